import { z } from 'zod';

/** An OpenAPI 3.1 Schema Object (JSON Schema 2020-12), as JSON. */
export type SchemaObject = Record<string, unknown>;

/** Where the document keeps its named schemas. */
export const SCHEMAS_PATH = '#/components/schemas/';

/** `$ref` to a named schema of the document. */
export function schemaRef(name: string): { $ref: string } {
  return { $ref: `${SCHEMAS_PATH}${name}` };
}

/**
 * A named schema of the document: the zod schema the server validates with (a request) or shapes
 * its answer with (a response), read as the client sends it (`input`: defaults make fields
 * optional) or as the server sends it (`output`: a field with a default is always there).
 */
export interface NamedSchema {
  schema: z.ZodType;
  io: 'input' | 'output';
  /** A value of the schema, shown by documentation tools (checked against the schema by a test). */
  example?: unknown;
}

/**
 * The OpenAPI schemas of named zod schemas. Each is written once; wherever one named schema holds
 * another, it refers to it with `$ref`, whatever the io of either (a request schema shown inside a
 * response, such as a job's schedule, appears as it was given). Every schema is converted in both
 * ios over one registry and kept in its own.
 */
export function namedSchemas(named: Record<string, NamedSchema>): Record<string, SchemaObject> {
  const registry = z.registry<{ id: string }>();
  for (const [name, { schema }] of Object.entries(named)) {
    if (registry.has(schema)) {
      throw new Error(`${name}: this zod schema is already named ${registry.get(schema)?.id}`);
    }
    registry.add(schema, { id: name });
  }
  const converted = (io: 'input' | 'output') =>
    z.toJSONSchema(registry, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      uri: (id) => `${SCHEMAS_PATH}${id}`,
    }).schemas as Record<string, SchemaObject>;
  const byIo = { input: converted('input'), output: converted('output') };
  if (byIo.output.__shared !== undefined || byIo.input.__shared !== undefined) {
    throw new Error('a zod schema is reused without a name: name it, so that it has a place in the document');
  }
  return Object.fromEntries(
    Object.entries(named).map(([name, { io, example }]) => {
      const schema = tidy(byIo[io][name] as SchemaObject);
      return [name, example === undefined ? schema : { ...schema, example }];
    }),
  );
}

/**
 * The OpenAPI schema of one zod schema that has no name (a query parameter's), read as a client
 * sends it; a named schema inside it (see namedSchemas) is a `$ref`.
 */
export function inputSchema(schema: z.ZodType, names: ReadonlyMap<z.ZodType, string>): SchemaObject {
  const named = names.get(unwrapped(schema));
  const converted = tidy(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }));
  if (named === undefined) {
    return converted;
  }
  const { default: fallback } = converted;
  return { ...schemaRef(named), ...(fallback === undefined ? {} : { default: fallback }) };
}

function unwrapped(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner;
}

/**
 * What zod writes that says nothing to a client, left out: the `$id` each registry schema gets and
 * the `$schema` of each conversion (the document says which dialect it uses), the ±2^53 bounds of every `z.int()` (the real bounds are given where
 * there are some), and the regular expressions behind `format: date-time` and `format: uuid`.
 */
function tidy(value: SchemaObject): SchemaObject {
  // `properties` maps field names (which may be any word) to schemas: only the schemas are tidied.
  const walkFields = (fields: SchemaObject): SchemaObject =>
    Object.fromEntries(Object.entries(fields).map(([field, schema]) => [field, walk(schema)]));
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      return node.map(walk);
    }
    if (node === null || typeof node !== 'object') {
      return node;
    }
    const schema = node as SchemaObject;
    const kept = Object.entries(schema).filter(([key, item]) => {
      if (key === '$id' || key === '$schema') {
        return false;
      }
      if (key === 'minimum' && item === Number.MIN_SAFE_INTEGER) {
        return false;
      }
      if (key === 'maximum' && item === Number.MAX_SAFE_INTEGER) {
        return false;
      }
      return !(key === 'pattern' && (schema.format === 'date-time' || schema.format === 'uuid'));
    });
    return Object.fromEntries(
      kept.map(([key, item]) => [key, key === 'properties' ? walkFields(item as SchemaObject) : walk(item)]),
    );
  };
  return walk(value) as SchemaObject;
}

import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { type z } from 'zod';

import { inputSchema } from '../common/openapi-schema.js';
import { ref, SCHEMA_NAMES, type SchemaName } from './components.js';

/** A JSON request body of the named schema, with named examples if given. */
export function ApiJsonBody(
  name: SchemaName,
  options: {
    required?: boolean;
    description?: string;
    examples?: Record<string, { summary: string; value: unknown }>;
  } = {},
) {
  return ApiBody({
    schema: ref(name),
    required: options.required ?? true,
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.examples === undefined ? {} : { examples: options.examples }),
  });
}

/** A JSON answer of the named schema. */
export function ApiJsonResponse(
  status: number,
  name: SchemaName,
  description: string,
  headers?: Record<string, { description: string; schema: object }>,
) {
  return ApiResponse({ status, description, schema: ref(name), ...(headers === undefined ? {} : { headers }) });
}

/**
 * The query parameters of a route, one per field of the zod schema its ZodValidationPipe checks the
 * query with: type, bounds, default and description as that schema says; `descriptions` adds to one.
 */
export function ApiQueryFrom(schema: z.ZodObject, descriptions: Partial<Record<string, string>> = {}): MethodDecorator {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) => {
      const fieldSchema = field as z.ZodType;
      const { description, ...parameterSchema } = inputSchema(fieldSchema, SCHEMA_NAMES);
      const said = [description as string | undefined, descriptions[name]]
        .filter((text) => text !== undefined)
        .join('. ');
      return ApiQuery({
        name,
        required: !fieldSchema.safeParse(undefined).success,
        schema: parameterSchema,
        ...(said === '' ? {} : { description: said }),
      });
    }),
  );
}

/** The `:id` of a resource: a UUID, though any other text is taken, and names nothing (404). */
export function ApiIdParam(resource: string) {
  return ApiParam({
    name: 'id',
    description: `The ${resource}'s id, a UUID. Any other text names no ${resource}: 404.`,
    schema: { type: 'string', example: '0b6f1f52-3c3e-4c55-9b1e-1f1f6e0c2a41' },
  });
}

import type { ApiResponseOptions } from '@nestjs/swagger';
import { z } from 'zod';

type SchemaObject = NonNullable<Extract<ApiResponseOptions, { schema?: unknown }>['schema']>;

/**
 * OpenAPI schema of a zod schema: the document is generated from the same schemas that validate
 * requests and shape responses, so it cannot drift from the code.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as SchemaObject;
}

export const problemSchema = z.object({
  type: z.string().describe('Problem type URI, e.g. /problems/validation-failed'),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string().describe('Stable machine-readable error code'),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })).optional(),
});

/** The `content` of an error response in the OpenAPI document: every error is problem+json. */
export const problemResponse = { content: { 'application/problem+json': { schema: openApiSchema(problemSchema) } } };

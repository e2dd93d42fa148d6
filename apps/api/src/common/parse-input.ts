import { toFieldIssues, ValidationError } from '@meridian/domain';
import type { z } from 'zod';

/** Validates query parameters; unknown parameters are refused like unknown body fields. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  return parseInput(schema, query, 'query');
}

/** Validates a request body; a bad one is a 400 naming every field at fault, and nothing is written. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  return parseInput(schema, body);
}

function parseInput<T extends z.ZodType>(schema: T, input: unknown, location?: 'query'): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(toFieldIssues(parsed.error, location));
  }
  return parsed.data;
}

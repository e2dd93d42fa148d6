import { toFieldIssues, ValidationError } from '@meridian/domain';
import type { z } from 'zod';

/** Validates query parameters; unknown parameters are refused like unknown body fields. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new ValidationError(toFieldIssues(parsed.error, 'query'));
  }
  return parsed.data;
}

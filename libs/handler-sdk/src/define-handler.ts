import type { z } from 'zod';

import type { HandlerContext } from './handler-context.js';

/** A named unit of work: the schema its payload must satisfy, and the function that runs it. */
export interface HandlerDefinition<TSchema extends z.ZodType = z.ZodType, TResult = unknown> {
  readonly name: string;
  readonly schema: TSchema;
  run(payload: z.infer<TSchema>, context: HandlerContext): Promise<TResult>;
}

/**
 * Declares a handler. The payload is validated against `schema` when a job is created (a bad payload
 * is refused with a 400 then, not discovered at run time) and again before each run.
 *
 * Throw `HandlerError` with `retryable: false` for failures a retry cannot fix; any other error is
 * retried according to the job's retry policy.
 */
export function defineHandler<TSchema extends z.ZodType, TResult>(
  name: string,
  schema: TSchema,
  run: (payload: z.infer<TSchema>, context: HandlerContext) => Promise<TResult>,
): HandlerDefinition<TSchema, TResult> {
  return { name, schema, run };
}

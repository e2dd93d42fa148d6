import { ATTEMPTS_PAGE_DEFAULT, ATTEMPTS_PAGE_MAX } from '@meridian/db';
import { z } from 'zod';

/** Query of `GET /v1/executions/:id`: which page of the execution's attempts to show with it. */
export const executionQuerySchema = z.strictObject({
  attemptsCursor: z.string().min(1).max(200).optional().describe('`attemptsNextCursor` of the previous answer'),
  attemptsLimit: z.coerce
    .number()
    .int()
    .min(1)
    .max(ATTEMPTS_PAGE_MAX)
    .default(ATTEMPTS_PAGE_DEFAULT)
    .describe('Attempts shown with the execution'),
});
export type ExecutionQuery = z.infer<typeof executionQuerySchema>;

import { z } from 'zod';

/** The answer of `POST /v1/jobs/:id/trigger`, and what its audit entry records. */
export const triggerResultSchema = z.object({
  executionId: z.uuid(),
  buffered: z.boolean().describe('true: the run waits for the runs in flight to end (overlap buffer_one, buffer_all)'),
  cancelled: z.array(z.uuid()).describe('Runs cancelled to make way for this one (overlap cancel_previous)'),
});
export type TriggerOutcome = z.infer<typeof triggerResultSchema>;

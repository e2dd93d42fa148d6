import { HANDLER_NAME_PATTERN, QUEUE_NAME_PATTERN, storable } from '@meridian/domain';
import { z } from 'zod';

import { pageQuerySchema } from '../../common/dto/page.query.js';
import { executionStatusSchema } from '../../executions/dto/execution.view.js';

/** Query of `GET /v1/jobs`: a page of the namespace's jobs, filtered by status, name, handler, queue or kind. */
export const listJobsQuerySchema = pageQuerySchema.extend({
  status: executionStatusSchema.optional(),
  name: storable(z.string().min(1).max(200)).optional().describe('Jobs of exactly this name'),
  handler: z
    .string()
    .regex(HANDLER_NAME_PATTERN, 'must be a handler name such as "http" or "noop"')
    .optional()
    .describe('Jobs of exactly this handler'),
  queue: z.string().regex(QUEUE_NAME_PATTERN).optional().describe('Jobs of this queue'),
  // A query parameter is text: "true" or "false", shown in the document as the boolean it stands for.
  recurring: z
    .stringbool({ truthy: ['true'], falsy: ['false'], case: 'sensitive' })
    .meta({ type: 'boolean' })
    .optional()
    .describe('true: only recurring jobs (with a schedule); false: only one-off jobs'),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

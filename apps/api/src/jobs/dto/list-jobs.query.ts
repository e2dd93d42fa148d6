import { QUEUE_NAME_PATTERN, storable } from '@meridian/domain';
import { z } from 'zod';

import { pageQuerySchema } from '../../common/dto/page.query.js';
import { executionStatusSchema } from '../../executions/dto/execution.view.js';

/** Query of `GET /v1/jobs`: a page of the namespace's jobs, filtered by status, name or queue. */
export const listJobsQuerySchema = pageQuerySchema.extend({
  status: executionStatusSchema.optional(),
  name: storable(z.string().min(1).max(200)).optional().describe('Jobs of exactly this name'),
  queue: z.string().regex(QUEUE_NAME_PATTERN).optional().describe('Jobs of this queue'),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

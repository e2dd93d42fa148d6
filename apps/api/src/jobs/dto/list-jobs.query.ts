import { EXECUTION_STATUSES, QUEUE_NAME_PATTERN, storable } from '@meridian/domain';
import { z } from 'zod';

import { pageQuerySchema } from '../../common/dto/page.query.js';

/** Query of `GET /v1/jobs`: a page of the namespace's jobs, filtered by status, name or queue. */
export const listJobsQuerySchema = pageQuerySchema.extend({
  status: z.enum(EXECUTION_STATUSES as [string, ...string[]]).optional(),
  name: storable(z.string().min(1).max(200)).optional(),
  queue: z.string().regex(QUEUE_NAME_PATTERN).optional(),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

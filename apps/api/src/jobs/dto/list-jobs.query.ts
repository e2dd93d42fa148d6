import { EXECUTION_STATUSES, QUEUE_NAME_PATTERN, storable } from '@meridian/domain';
import { z } from 'zod';

export const pageQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const listJobsQuerySchema = pageQuerySchema.extend({
  status: z.enum(EXECUTION_STATUSES as [string, ...string[]]).optional(),
  name: storable(z.string().min(1).max(200)).optional(),
  queue: z.string().regex(QUEUE_NAME_PATTERN).optional(),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

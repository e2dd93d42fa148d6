import { z } from 'zod';

import { pageQuerySchema } from '../../common/dto/page.query.js';

/** Query of `GET /v1/audit`: a page of the log, of one action or one target if given. */
export const auditLogQuerySchema = pageQuerySchema.extend({
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/)
    .optional()
    .describe('Entries of this action only, e.g. job.paused'),
  targetId: z.string().min(1).max(100).optional().describe('Entries about this job, execution, workflow or key only'),
});
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

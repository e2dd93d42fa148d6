import { z } from 'zod';

import { pageQuerySchema } from '../../common/dto/page.query.js';

/** Query of `GET /v1/audit`: a page of the log, of one action or one target if given. */
export const auditLogQuerySchema = pageQuerySchema.extend({
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/)
    .optional(),
  targetId: z.string().min(1).max(100).optional(),
});
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

import { z } from 'zod';

/** Query of `GET /v1/jobs/:id/upcoming`: how many nominal times to preview. */
export const upcomingQuerySchema = z.strictObject({
  count: z.coerce.number().int().min(1).max(100).default(10).describe('How many nominal times'),
});
export type UpcomingQuery = z.infer<typeof upcomingQuerySchema>;

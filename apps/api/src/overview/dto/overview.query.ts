import { z } from 'zod';

/** Query of `GET /v1/overview`: how far back it looks. */
export const overviewQuerySchema = z.strictObject({
  windowMinutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(1440)
    .default(60)
    .describe('How far back the overview looks, in minutes: 5 to 1440 (a day)'),
});
export type OverviewQuery = z.infer<typeof overviewQuerySchema>;

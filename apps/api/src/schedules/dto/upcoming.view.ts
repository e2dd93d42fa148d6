import { z } from 'zod';

/** The answer of `GET /v1/jobs/:id/upcoming`: the next nominal times, in UTC and in the schedule's zone. */
export const upcomingSchema = z.object({
  timezone: z.string(),
  items: z.array(
    z.object({
      nominalTime: z.iso.datetime(),
      local: z.string().describe("Local time with the zone's offset: DST changes show here"),
    }),
  ),
});
export type UpcomingView = z.infer<typeof upcomingSchema>;

import type { OccurrenceRecord } from '@meridian/db';
import { z } from 'zod';

export const occurrenceViewSchema = z.object({
  nominalTime: z.iso.datetime(),
  outcome: z.enum(['ENQUEUED', 'SKIPPED_OVERLAP', 'MISSED_DOWNTIME', 'PAUSED']),
  executionId: z.uuid().nullable(),
  recordedAt: z.iso.datetime(),
});

export const occurrencePageSchema = z.object({
  items: z.array(occurrenceViewSchema),
  nextCursor: z.string().nullable(),
});

export const upcomingSchema = z.object({
  timezone: z.string(),
  items: z.array(
    z.object({
      nominalTime: z.iso.datetime(),
      local: z.string().describe("Local time with the zone's offset: DST changes show here"),
    }),
  ),
});

export const upcomingQuerySchema = z.strictObject({ count: z.coerce.number().int().min(1).max(100).default(10) });

export function toOccurrenceView(occurrence: OccurrenceRecord): z.infer<typeof occurrenceViewSchema> {
  return {
    nominalTime: occurrence.nominalTime.toISOString(),
    outcome: occurrence.outcome,
    executionId: occurrence.executionId,
    recordedAt: occurrence.recordedAt.toISOString(),
  };
}

export const pauseRequestSchema = z
  .strictObject({
    note: z.string().max(500).optional().describe('Why, for whoever looks next'),
    until: z.iso.datetime({ offset: true }).optional().describe('Resume by itself at this instant'),
  })
  .default({});

/** The body of `PATCH /v1/jobs/:id`: every field optional, changes take effect from the next occurrence. */
export const updateRecurringJobSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  payload: z.unknown().optional(),
  schedule: z.record(z.string(), z.unknown()).optional().describe('Replaces the whole schedule'),
  overlap: z.enum(['skip', 'allow']).optional(),
  catchUp: z
    .strictObject({
      policy: z.enum(['skip', 'latest', 'all']).default('skip'),
      windowMs: z.int().min(0).max(86_400_000).default(60_000),
    })
    .optional(),
});

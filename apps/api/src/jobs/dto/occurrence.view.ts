import type { BackfillItem, OccurrenceRecord } from '@meridian/db';
import { instantSchema, OCCURRENCE_OUTCOMES, storable } from '@meridian/domain';
import { z } from 'zod';

export const occurrenceViewSchema = z.object({
  nominalTime: z.iso.datetime(),
  outcome: z.enum(OCCURRENCE_OUTCOMES),
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
    note: storable(z.string().max(500)).optional().describe('Why, for whoever looks next'),
    until: instantSchema.optional().describe('Resume by itself at this instant'),
  })
  .default({});

/** The body of `POST /v1/jobs/:id/backfill`. */
export const backfillRequestSchema = z
  .strictObject({
    from: instantSchema.describe('First instant of the range (inclusive)'),
    to: instantSchema.describe('Last instant of the range (inclusive); not in the future'),
    dryRun: z.boolean().default(false).describe('List what would run, write nothing'),
    mode: z
      .enum(['sequential', 'parallel'])
      .default('sequential')
      .describe('sequential: one run after another, in nominal order, after any run in flight; parallel: all at once'),
  })
  .refine((body) => Date.parse(body.from) <= Date.parse(body.to), { message: 'must not be before from', path: ['to'] });

export const backfillResultSchema = z.object({
  dryRun: z.boolean(),
  backfilled: z.int().describe('Occurrences that run (or would run) now'),
  deduplicated: z.int().describe('Occurrences in the range that already have a run, left as they are'),
  items: z.array(
    z.object({
      nominalTime: z.iso.datetime(),
      result: z.enum(['backfilled', 'deduplicated']),
      previousOutcome: z.enum(OCCURRENCE_OUTCOMES).nullable().describe('The ledger before; null if never recorded'),
      executionId: z.uuid().nullable().describe('null in a dry run for an occurrence still to create'),
    }),
  ),
});

export function toBackfillResult(dryRun: boolean, items: BackfillItem[]): z.infer<typeof backfillResultSchema> {
  return {
    dryRun,
    backfilled: items.filter((item) => item.result === 'backfilled').length,
    deduplicated: items.filter((item) => item.result === 'deduplicated').length,
    items: items.map((item) => ({ ...item, nominalTime: item.nominalTime.toISOString() })),
  };
}

export const triggerResultSchema = z.object({
  executionId: z.uuid(),
  buffered: z.boolean().describe('true: the run waits for the runs in flight to end (overlap buffer_one, buffer_all)'),
  cancelled: z.array(z.uuid()).describe('Runs cancelled to make way for this one (overlap cancel_previous)'),
});

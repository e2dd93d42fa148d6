import type { BackfillItem } from '@meridian/db';
import { instantSchema, OCCURRENCE_OUTCOMES } from '@meridian/domain';
import { z } from 'zod';

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

export type BackfillRequest = z.infer<typeof backfillRequestSchema>;

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

export type BackfillResult = z.infer<typeof backfillResultSchema>;

export function toBackfillResult(dryRun: boolean, items: BackfillItem[]): BackfillResult {
  return {
    dryRun,
    backfilled: items.filter((item) => item.result === 'backfilled').length,
    deduplicated: items.filter((item) => item.result === 'deduplicated').length,
    items: items.map((item) => ({ ...item, nominalTime: item.nominalTime.toISOString() })),
  };
}

import type { OccurrenceRecord } from '@meridian/db';
import { OCCURRENCE_OUTCOMES } from '@meridian/domain';
import { z } from 'zod';

/** One entry of a recurring job's occurrence ledger: a nominal time and what became of it. */
export const occurrenceViewSchema = z.object({
  nominalTime: z.iso.datetime(),
  outcome: z.enum(OCCURRENCE_OUTCOMES),
  executionId: z.uuid().nullable(),
  recordedAt: z.iso.datetime(),
});

export const occurrencePageSchema = z.object({
  items: z.array(occurrenceViewSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null after the last'),
});

export function toOccurrenceView(occurrence: OccurrenceRecord): z.infer<typeof occurrenceViewSchema> {
  return {
    nominalTime: occurrence.nominalTime.toISOString(),
    outcome: occurrence.outcome,
    executionId: occurrence.executionId,
    recordedAt: occurrence.recordedAt.toISOString(),
  };
}

import type { JobSchedule, Occurrence } from '@meridian/client/browser';

import { formatDuration } from './format.js';

/** How the timeline groups an occurrence; each group has its own colour and its own word. */
export type OccurrenceKind = 'ran' | 'caught-up' | 'buffered' | 'skipped' | 'missed' | 'paused' | 'backfilled';

export const OCCURRENCE_KINDS: readonly { kind: OccurrenceKind; label: string }[] = [
  { kind: 'ran', label: 'ran' },
  { kind: 'caught-up', label: 'caught up' },
  { kind: 'buffered', label: 'waited, then ran' },
  { kind: 'skipped', label: 'skipped (overlap)' },
  { kind: 'missed', label: 'missed' },
  { kind: 'paused', label: 'paused' },
  { kind: 'backfilled', label: 'backfilled' },
];

/**
 * An ENQUEUED occurrence handled this long after its nominal time was a catch-up after the
 * scheduler had been away, not a tick on time (ticks on time are handled within milliseconds).
 */
const CAUGHT_UP_AFTER_MS = 5000;

export function occurrenceKind(occurrence: Occurrence): OccurrenceKind {
  switch (occurrence.outcome) {
    case 'ENQUEUED':
      return lateness(occurrence) >= CAUGHT_UP_AFTER_MS ? 'caught-up' : 'ran';
    case 'BUFFERED':
      return 'buffered';
    case 'SKIPPED_OVERLAP':
      return 'skipped';
    case 'MISSED_DOWNTIME':
      return 'missed';
    case 'PAUSED':
      return 'paused';
    case 'BACKFILLED':
      return 'backfilled';
  }
}

/** The ledger's outcome in words, with the schedule's policy that decided it. */
export function occurrenceReason(occurrence: Occurrence, schedule: JobSchedule): string {
  const late = formatDuration(lateness(occurrence));
  switch (occurrence.outcome) {
    case 'ENQUEUED':
      return lateness(occurrence) >= CAUGHT_UP_AFTER_MS
        ? `Caught up: handled ${late} after its time, within the catch-up window (catch-up ${schedule.catchUp.policy}).`
        : `Ran on time (handled ${late} after its time).`;
    case 'BUFFERED':
      return `A run was still going: it waited for it (overlap ${schedule.overlap}), then ran.`;
    case 'SKIPPED_OVERLAP':
      return `Skipped: the previous run was still going (overlap ${schedule.overlap}).`;
    case 'MISSED_DOWNTIME':
      return `Missed: handled ${late} after its time, past the catch-up window of ${formatDuration(
        schedule.catchUp.windowMs,
      )} (catch-up ${schedule.catchUp.policy}).`;
    case 'PAUSED':
      return 'Not run: the schedule was paused.';
    case 'BACKFILLED':
      return 'Run later, by a backfill.';
  }
}

function lateness(occurrence: Occurrence): number {
  return Math.max(0, new Date(occurrence.recordedAt).getTime() - new Date(occurrence.nominalTime).getTime());
}

import {
  type CatchUpPolicy,
  decideOverlap,
  type OccurrenceOutcome,
  type OverlapPolicy,
  type RunsInFlight,
} from '@meridian/domain';

import { nextOccurrences, occurrencesUntil, type Schedule } from './schedule.js';

/** Occurrences handled by one tick at most; a longer backlog is worked off by the following ticks. */
export const MAX_OCCURRENCES_PER_TICK = 1000;

export interface OccurrencePlanInput {
  schedule: Schedule;
  /** Nominal time of the tick being handled: the first occurrence due. */
  due: Date;
  now: Date;
  /** Occurrences handled before this tick (for `limit`). */
  occurrenceCount: number;
  catchUp: CatchUpPolicy;
  overlap: OverlapPolicy;
  /** The job's runs not yet ended when the tick is handled. */
  inFlight: RunsInFlight;
  /** A paused schedule records its due occurrences as PAUSED and runs none. */
  paused: boolean;
}

export interface PlannedOccurrence {
  nominalTime: Date;
  outcome: Exclude<OccurrenceOutcome, 'BACKFILLED'>;
}

export interface OccurrencePlan {
  /** Every due occurrence, oldest first; ENQUEUED and BUFFERED ones get an execution. */
  occurrences: PlannedOccurrence[];
  /** Whether the runs in flight are to be cancelled (overlap `cancel_previous`). */
  cancelInFlight: boolean;
  /** Nominal time of the next tick; null when the schedule has no occurrence left. */
  nextRunAt: Date | null;
}

/**
 * Decides what a tick does: which due occurrences run, which wait for the previous run, which are
 * skipped because it is still going, which were missed while the scheduler was down, and when the
 * next tick is. Pure: the caller applies the plan in one transaction.
 *
 * The catch-up policy applies to the whole backlog, however many ticks work it off: `latest` runs
 * the one missed occurrence that nothing later supersedes, and `all` the `max` most recent ones.
 */
export function planOccurrences(input: OccurrencePlanInput): OccurrencePlan {
  const { schedule, due, now, occurrenceCount, catchUp } = input;
  if (due.getTime() > now.getTime()) {
    return { occurrences: [], cancelInFlight: false, nextRunAt: due };
  }
  const isMissed = (instant: Date) => now.getTime() - instant.getTime() > catchUp.windowMs;
  const later = occurrencesUntil(schedule, due, now, MAX_OCCURRENCES_PER_TICK - 1, occurrenceCount + 1);
  const batch = [due, ...later];
  const last = batch[batch.length - 1] ?? due;
  const ordinal = occurrenceCount + batch.length;

  // Due occurrences beyond this batch (only when the backlog is longer than a tick handles), counted
  // as far as the catch-up cap needs.
  const beyond =
    batch.length < MAX_OCCURRENCES_PER_TICK ? [] : occurrencesUntil(schedule, last, now, catchUp.max, ordinal);
  const missed = batch.filter(isMissed);
  const onTime = batch.length - missed.length;
  const missedToRun =
    catchUp.policy === 'all'
      ? Math.max(0, catchUp.max - beyond.filter(isMissed).length)
      : catchUp.policy === 'latest' && onTime === 0 && beyond.length === 0
        ? 1
        : 0;
  const runnable = new Set<Date>(missed.slice(Math.max(0, missed.length - missedToRun)));
  batch.filter((instant) => !isMissed(instant)).forEach((instant) => runnable.add(instant));

  const inFlight = { ...input.inFlight };
  let cancelInFlight = false;
  let supersedable: PlannedOccurrence | null = null;
  const occurrences = batch.map((nominalTime): PlannedOccurrence => {
    if (input.paused) {
      return { nominalTime, outcome: 'PAUSED' };
    }
    if (!runnable.has(nominalTime)) {
      return { nominalTime, outcome: 'MISSED_DOWNTIME' };
    }
    const decision = decideOverlap(input.overlap, inFlight);
    switch (decision) {
      case 'skip':
        return { nominalTime, outcome: 'SKIPPED_OVERLAP' };
      case 'buffer':
        inFlight.live += 1;
        inFlight.buffered += 1;
        return { nominalTime, outcome: 'BUFFERED' };
      case 'cancel_and_run':
      case 'run': {
        if (decision === 'cancel_and_run') {
          // An earlier occurrence of this same tick would be cancelled before it started: it is
          // recorded as skipped instead, and only what was in flight before the tick is cancelled.
          if (supersedable !== null) {
            supersedable.outcome = 'SKIPPED_OVERLAP';
          } else {
            cancelInFlight = true;
          }
        }
        inFlight.live += 1;
        const planned: PlannedOccurrence = { nominalTime, outcome: 'ENQUEUED' };
        supersedable = planned;
        return planned;
      }
    }
  });

  const [nextRunAt] = nextOccurrences(schedule, last, 1, ordinal);
  return { occurrences, cancelInFlight, nextRunAt: nextRunAt ?? null };
}

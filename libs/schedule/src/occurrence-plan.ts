import { nextOccurrences, type Schedule } from './schedule.js';

/** What becomes of one nominal occurrence. */
export type OccurrenceOutcome = 'ENQUEUED' | 'SKIPPED_OVERLAP' | 'MISSED_DOWNTIME' | 'PAUSED';

/** Occurrences handled by one tick at most; a longer backlog is worked off by the following ticks. */
export const MAX_OCCURRENCES_PER_TICK = 1000;

export interface CatchUp {
  /**
   * Occurrences handled more than `windowMs` after their nominal time were missed (the scheduler was
   * down): `skip` records them as missed, `latest` runs only the most recent one, `all` runs them all.
   * @defaultValue 'skip'
   */
  policy: 'skip' | 'latest' | 'all';
  /** @defaultValue 60_000 */
  windowMs: number;
}

export interface OccurrencePlanInput {
  schedule: Schedule;
  /** Nominal time of the tick being handled: the first occurrence due. */
  due: Date;
  now: Date;
  /** Occurrences handled before this tick (for `limit`). */
  occurrenceCount: number;
  catchUp: CatchUp;
  /** `skip`: an occurrence does not run while an earlier run of the job is still going. */
  overlap: 'allow' | 'skip';
  /** Whether an earlier run of the job is still pending, queued, running or retrying. */
  previousRunLive: boolean;
  /** A paused schedule records its due occurrences as PAUSED and runs none. */
  paused: boolean;
}

export interface OccurrencePlan {
  occurrences: { nominalTime: Date; outcome: OccurrenceOutcome }[];
  /** Nominal time of the next tick; null when the schedule has no occurrence left. */
  nextRunAt: Date | null;
}

/**
 * Decides what a tick does: which due occurrences run, which are skipped because the previous run
 * is still going, which were missed while the scheduler was down, and when the next tick is.
 * Pure: the caller applies the plan in one transaction.
 */
export function planOccurrences(input: OccurrencePlanInput): OccurrencePlan {
  const { schedule, due, now, occurrenceCount, catchUp } = input;
  if (due.getTime() > now.getTime()) {
    return { occurrences: [], nextRunAt: due };
  }
  const later = nextOccurrences(schedule, due, MAX_OCCURRENCES_PER_TICK - 1, occurrenceCount + 1);
  const dueNow = [due, ...later.filter((instant) => instant.getTime() <= now.getTime())];
  const isMissed = (instant: Date) => now.getTime() - instant.getTime() > catchUp.windowMs;
  const missed = dueNow.filter(isMissed);
  const onTime = dueNow.filter((instant) => !isMissed(instant));

  const toRun = new Set<Date>(onTime);
  if (catchUp.policy === 'all') {
    missed.forEach((instant) => toRun.add(instant));
  } else if (catchUp.policy === 'latest' && onTime.length === 0 && missed.length > 0) {
    toRun.add(missed[missed.length - 1] as Date);
  }

  let live = input.previousRunLive;
  const occurrences = dueNow.map((nominalTime) => {
    if (input.paused) {
      return { nominalTime, outcome: 'PAUSED' as const };
    }
    if (!toRun.has(nominalTime)) {
      return { nominalTime, outcome: 'MISSED_DOWNTIME' as const };
    }
    if (input.overlap === 'skip' && live) {
      return { nominalTime, outcome: 'SKIPPED_OVERLAP' as const };
    }
    live = true;
    return { nominalTime, outcome: 'ENQUEUED' as const };
  });

  const last = dueNow[dueNow.length - 1] ?? due;
  const [nextRunAt] = nextOccurrences(schedule, last, 1, occurrenceCount + dueNow.length);
  return { occurrences, nextRunAt: nextRunAt ?? null };
}

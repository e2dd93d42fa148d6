import { z } from 'zod';

/**
 * What an occurrence (or a manual trigger) of a recurring job does while an earlier run is still
 * going: `skip` it; `buffer_one`: run it once the earlier runs are done, keeping at most one
 * waiting (further ones are skipped); `buffer_all`: keep every one waiting, up to
 * {@link MAX_BUFFERED_RUNS}, and run them one after another in order; `cancel_previous`: cancel
 * the earlier runs and start at once; `allow`: run alongside.
 */
export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_previous', 'allow'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/**
 * What becomes of occurrences handled more than `windowMs` after their nominal time (the scheduler
 * was down): `skip` records them as missed, `latest` runs the most recent one, `all` runs them,
 * the most recent `max` of them.
 */
export const CATCH_UP_POLICIES = ['skip', 'latest', 'all'] as const;
export type CatchUpPolicyName = (typeof CATCH_UP_POLICIES)[number];

export interface CatchUpPolicy {
  policy: CatchUpPolicyName;
  windowMs: number;
  /** For `all`: how many missed occurrences run at most, the most recent ones. */
  max: number;
}

/** Waiting runs a `buffer_all` job keeps at most; an occurrence beyond is skipped. */
export const MAX_BUFFERED_RUNS = 100;
/** Largest catch-up cap: the number of occurrences one tick handles at most. */
export const MAX_CATCH_UP = 1000;

/**
 * Policies of a recurring job when the request names none: skip an occurrence while the previous run
 * is going, and record occurrences more than a minute late as missed.
 */
export const DEFAULT_RECURRENCE_POLICY: { overlap: OverlapPolicy; catchUp: CatchUpPolicy } = {
  overlap: 'skip',
  catchUp: { policy: 'skip', windowMs: 60_000, max: 100 },
};

export const overlapPolicySchema = z
  .enum(OVERLAP_POLICIES)
  .describe('What an occurrence does while the previous run is still going. Default skip.');

export const catchUpPolicySchema = z
  .strictObject({
    policy: z.enum(CATCH_UP_POLICIES).default(DEFAULT_RECURRENCE_POLICY.catchUp.policy),
    windowMs: z.int().min(0).max(86_400_000).default(DEFAULT_RECURRENCE_POLICY.catchUp.windowMs),
    max: z.int().min(1).max(MAX_CATCH_UP).default(DEFAULT_RECURRENCE_POLICY.catchUp.max),
  })
  .describe('Occurrences missed while the scheduler was down. Default skip, 60 s window, at most 100 for "all".');

/** The runs of a recurring job that an occurrence finds. */
export interface RunsInFlight {
  /** Runs pending, queued, running or retrying, the waiting (buffered) ones included. */
  live: number;
  /** Of those, the ones waiting for the earlier runs to end. */
  buffered: number;
}

/**
 * `run`: start now; `buffer`: start once every earlier run has ended; `cancel_and_run`: cancel the
 * earlier runs, then start now; `skip`: do not run.
 */
export type OverlapDecision = 'run' | 'buffer' | 'cancel_and_run' | 'skip';

/** What one occurrence does under `policy`, given the runs in flight. Pure. */
export function decideOverlap(policy: OverlapPolicy, runs: RunsInFlight): OverlapDecision {
  if (runs.live === 0) {
    return 'run';
  }
  switch (policy) {
    case 'allow':
      return 'run';
    case 'skip':
      return 'skip';
    case 'buffer_one':
      return runs.buffered < 1 ? 'buffer' : 'skip';
    case 'buffer_all':
      return runs.buffered < MAX_BUFFERED_RUNS ? 'buffer' : 'skip';
    case 'cancel_previous':
      return 'cancel_and_run';
  }
}

/**
 * What became of one nominal occurrence of a recurring job: it ran (`ENQUEUED`), waits for the
 * earlier runs (`BUFFERED`, with its execution), was skipped because a run was going
 * (`SKIPPED_OVERLAP`), was missed while the scheduler was down (`MISSED_DOWNTIME`), came while the
 * job was paused (`PAUSED`), or was run later by a backfill (`BACKFILLED`).
 */
export const OCCURRENCE_OUTCOMES = [
  'ENQUEUED',
  'BUFFERED',
  'SKIPPED_OVERLAP',
  'MISSED_DOWNTIME',
  'PAUSED',
  'BACKFILLED',
] as const;
export type OccurrenceOutcome = (typeof OCCURRENCE_OUTCOMES)[number];

/** Occurrences one backfill request may cover; a longer range is split by the client. */
export const MAX_BACKFILL_OCCURRENCES = 1000;

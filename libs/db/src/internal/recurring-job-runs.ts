import { ExecutionStatus } from '@meridian/domain';

import type { StoredOverlapPolicy, StoredRecurrencePolicies } from '../records.js';
import type { Statement, StatementRunner } from '../sql-client.js';
import { type CancelReason, createExecutions } from './execution-transitions.js';
import { UNFINISHED_STATUSES } from './unfinished-executions.js';

/*
 * What a tick (OccurrenceRepository), a trigger and a backfill (RecurringJobRepository) share: they
 * lock the recurring job's row and read its runs in flight the same way, and create its runs the same
 * way, so that a tick and a trigger racing on one job see each other's runs.
 */

/** Where a recurring job's schedule stands; null on a one-off job. */
export type ScheduleState = 'ACTIVE' | 'PAUSED' | 'COMPLETED';

/** A recurring job's row as {@link lockRecurringJobs} read it, under its lock. */
export interface LockedJob extends StoredRecurrencePolicies {
  id: string;
  namespace: string;
  queue: string;
  /** The stored schedule request, as the client gave it. */
  schedule: unknown;
  schedule_state: ScheduleState | null;
  next_run_at: Date | null;
  occurrence_count: number;
  paused_until: Date | null;
  /** Runs not yet ended, less those of `lostRuns` still QUEUED. */
  live: number;
  /** Runs waiting for the earlier ones to end (their outbox row is `after_previous`). */
  buffered: number;
}

/** Why a run was cancelled by a newer run of its job (overlap `cancel_previous`). */
export const SUPERSEDED: CancelReason = {
  code: 'superseded',
  message: 'cancelled because a newer run of the job started (overlap cancel_previous)',
};

/**
 * Locks the rows of the jobs `jobIds` ($1) for the transaction, in id order, and reads what a tick,
 * trigger or backfill decides on: each job's schedule, policies, and runs in flight (`buffered`:
 * those waiting for the earlier ones), leaving out the executions of $3 while they are QUEUED
 * (lost with Redis and enqueued again). $2: the unfinished statuses. Jobs that do not exist are
 * absent. Locks: the job rows (FOR UPDATE), in id order, until commit. Reads only.
 */
const LOCK_RECURRING_JOBS: Statement = {
  name: 'meridian_lock_recurring_jobs',
  text: `
    SELECT j.id, j.namespace, j.queue, j.schedule, j.schedule_state, j.next_run_at, j.occurrence_count,
           j.overlap_policy, j.catch_up_policy, j.catch_up_window_ms, j.catch_up_max, j.paused_until,
           (SELECT count(*)::int FROM executions e
             WHERE e.job_id = j.id AND e.status = ANY($2::"ExecutionStatus"[])
               AND NOT (e.status = 'QUEUED' AND e.id = ANY($3::uuid[]))) AS live,
           (SELECT count(*)::int FROM executions e JOIN outbox o ON o.execution_id = e.id
             WHERE e.job_id = j.id AND e.status = 'PENDING' AND o.after_previous) AS buffered
      FROM jobs j
     WHERE j.id = ANY($1::uuid[])
     ORDER BY j.id
       FOR UPDATE OF j`,
};

/** See {@link LOCK_RECURRING_JOBS}; `lostRuns`: executions Redis lost, enqueued again. */
export async function lockRecurringJobs(
  tx: StatementRunner,
  jobIds: readonly string[],
  lostRuns: readonly string[] = [],
): Promise<LockedJob[]> {
  const rows = await tx.query<
    Omit<LockedJob, keyof StoredRecurrencePolicies> & {
      overlap_policy: StoredOverlapPolicy | null;
      catch_up_policy: 'SKIP' | 'LATEST' | 'ALL' | null;
      catch_up_window_ms: number | null;
      catch_up_max: number | null;
    }
  >(LOCK_RECURRING_JOBS, [jobIds, UNFINISHED_STATUSES, lostRuns]);
  return rows.map((row) => ({
    ...row,
    overlap: row.overlap_policy,
    catchUp: row.catch_up_policy,
    windowMs: row.catch_up_window_ms,
    max: row.catch_up_max,
  }));
}

/** A run of a recurring job to create: by a tick, a trigger or a backfill. */
export interface NewRun {
  job: { id: string; namespace: string };
  executionId: string;
  runAt: Date;
  nominalTime: Date | null;
  /** Waits for the job's earlier unfinished executions to end before it is enqueued. */
  afterPrevious: boolean;
}

/**
 * Creates the executions of `runs` with their outbox rows; each goes to BullMQ through the relay,
 * and each that is not buffered sets its job's status (see {@link createExecutions}).
 */
export async function createRuns(tx: StatementRunner, runs: readonly NewRun[], now: Date): Promise<void> {
  await createExecutions(
    tx,
    runs.map((run) => ({
      id: run.executionId,
      jobId: run.job.id,
      namespace: run.job.namespace,
      status: ExecutionStatus.Pending,
      scheduledFor: run.runAt,
      nominalTime: run.nominalTime,
      afterPrevious: run.afterPrevious,
    })),
    now,
  );
}

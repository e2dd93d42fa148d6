import {
  type CatchUpPolicy,
  newId,
  type OccurrenceOutcome,
  type OverlapPolicy,
  type RunsInFlight,
} from '@meridian/domain';

import { cancelExecutions } from './internal/execution-transitions.js';
import { groupBy } from './internal/group-by.js';
import { decodeTimeCursor, encodeTimeCursor } from './internal/pagination.js';
import {
  createRuns,
  type LockedJob,
  lockRecurringJobs,
  type ScheduleState,
  SUPERSEDED,
} from './internal/recurring-job-runs.js';
import type { Database } from './postgres.js';
import {
  type CancelledExecutions,
  recurrencePolicies,
  type RecurringSchedule,
  toRecurringSchedule,
} from './records.js';
import type { SqlClient, Statement } from './sql-client.js';

/** A recurring job as its tick needs it. */
export interface RecurringJobState {
  id: string;
  namespace: string;
  schedule: RecurringSchedule;
  nextRunAt: Date | null;
  occurrenceCount: number;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  /** The job's runs not yet ended. */
  inFlight: RunsInFlight;
  /** Paused at this tick (a pause whose `until` has passed has already been lifted). */
  paused: boolean;
}

export interface TickDecision {
  occurrences: { nominalTime: Date; outcome: Exclude<OccurrenceOutcome, 'BACKFILLED'>; runAt: Date }[];
  /** Cancel the runs in flight before the new one starts (overlap `cancel_previous`). */
  cancelInFlight: boolean;
  nextRunAt: Date | null;
}

export type TickResult =
  | { kind: 'handled'; nextRunAt: Date | null; enqueued: number; superseded: CancelledExecutions }
  /** The tick is not the job's next one (redelivered, or the job changed or is gone). */
  | { kind: 'stale'; nextRunAt: Date | null };

export interface OccurrenceRecord {
  nominalTime: Date;
  outcome: OccurrenceOutcome;
  executionId: string | null;
  recordedAt: Date;
}

/** Times a tick batch runs again after a deadlock before its ticks fail (and BullMQ retries them). */
const TICK_BATCH_RETRIES = 5;

/**
 * Records occurrences ($1 job ids, $2 nominal times, $3 outcomes, $4 execution ids or nulls;
 * aligned). Idempotency: an occurrence already recorded is left as it is (the ledger's key).
 * `recorded_at` ($5) is when the occurrence was decided: the clock read once the jobs' rows were
 * locked and their runs read, which the plan took as now (catch-up windows, pauses). So a row's
 * time is never earlier than the state its decision read, and a catch-up decision can be checked
 * against it exactly.
 */
const INSERT_OCCURRENCES: Statement = {
  name: 'meridian_insert_occurrences',
  text: `
    INSERT INTO occurrences (job_id, nominal_time, outcome, execution_id, recorded_at)
    SELECT o.job_id, o.nominal_time, o.outcome::"OccurrenceOutcome", o.execution_id, $5::timestamptz
      FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::uuid[]) AS o(job_id, nominal_time, outcome, execution_id)
    ON CONFLICT (job_id, nominal_time) DO NOTHING`,
};

/**
 * Moves each recurring job ($1 ids) on to its next tick ($2, null when none is left), counting its
 * occurrences handled ($3) and setting its schedule state ($4); a pause that ended ($5) is cleared.
 * At $6. The caller holds the jobs' rows (lockRecurringJobs).
 */
const ADVANCE_SCHEDULES: Statement = {
  name: 'meridian_advance_schedules',
  text: `
    UPDATE jobs j
       SET next_run_at = t.next_run_at, occurrence_count = j.occurrence_count + t.occurrences,
           schedule_state = t.schedule_state::"ScheduleState",
           paused_until = CASE WHEN t.resumes THEN NULL ELSE j.paused_until END,
           pause_note = CASE WHEN t.resumes THEN NULL ELSE j.pause_note END,
           updated_at = $6
      FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::text[], $5::boolean[])
        AS t(id, next_run_at, occurrences, schedule_state, resumes)
     WHERE j.id = t.id`,
};

/** A tick that is its job's next, with its decision and the job's state after it. */
interface HandledTick {
  tick: number;
  job: LockedJob;
  decision: TickDecision;
  state: ScheduleState;
  resumes: boolean;
}

/**
 * The occurrence ledger of recurring jobs: each nominal time a schedule reached, with what became
 * of it. Ticks write it; a trigger or backfill of a job is RecurringJobRepository's.
 */
export class OccurrenceRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /**
   * Handles the ticks of `ticks`, each the tick of one job due at its `due`, in one transaction:
   * ticks that fire together (every schedule of a busy second) share a handful of statements and
   * one commit instead of a transaction each. Results are in the order of `ticks`.
   *
   * Inputs: the ticks, the clock (read once the jobs are locked and their runs read: the decision's
   * now, and the ledger rows' time), `decide`, which turns a job's state at `now` into a plan (pure), and
   * `lostRuns`: executions Redis lost and the reconciler enqueued again, which do not count as runs
   * in flight while they are still QUEUED (they never ran, and would have ended by now).
   * Locks: the jobs' rows, in id order (so concurrent batches cannot deadlock on them), for the
   * whole transaction, so ticks of one job are handled one at a time across every scheduler
   * replica. Idempotency: a tick whose `due` is not its job's `next_run_at` changes nothing (also
   * the second of two copies of one tick in a batch); the ledger's primary key (job, nominal time)
   * refuses a second row anyway.
   * Writes: one ledger row per occurrence; an execution and an outbox row per occurrence to run
   * (a buffered one's outbox row waits for the earlier runs); the cancellation of the runs in
   * flight under `cancel_previous`; and each job's next tick, count and state.
   */
  async handleTicks(
    ticks: readonly { jobId: string; due: Date }[],
    clock: () => Date,
    decide: (job: RecurringJobState, now: Date) => TickDecision,
    { lostRuns = [] }: { lostRuns?: readonly string[] } = {},
  ): Promise<TickResult[]> {
    // A batch locks many job rows, in id order; a cancellation locks executions first, so a batch
    // can still meet another writer in a deadlock: the transaction then runs again, whole.
    return this.sql.transaction(async (tx) => {
      const jobs = new Map(
        (
          await lockRecurringJobs(
            tx,
            ticks.map((tick) => tick.jobId),
            lostRuns,
          )
        ).map((job) => [job.id, job]),
      );
      const now = clock();
      const handled: HandledTick[] = [];
      const stale = ticks.map((tick, index): TickResult | null => {
        const job = jobs.get(tick.jobId);
        if (job === undefined) {
          return { kind: 'stale', nextRunAt: null };
        }
        const ticking = job.schedule_state === 'ACTIVE' || job.schedule_state === 'PAUSED';
        if (!ticking || job.next_run_at?.getTime() !== tick.due.getTime()) {
          return { kind: 'stale', nextRunAt: ticking ? job.next_run_at : null };
        }
        const resumes = job.schedule_state === 'PAUSED' && job.paused_until !== null && job.paused_until <= now;
        const paused = job.schedule_state === 'PAUSED' && !resumes;
        const decision = decide(
          {
            id: job.id,
            namespace: job.namespace,
            // Parsed here, inside the batch, so that a stored schedule that no longer parses fails
            // the batch with a ValidationError, which the caller's group commit isolates to its tick.
            schedule: toRecurringSchedule(job.schedule),
            nextRunAt: job.next_run_at,
            occurrenceCount: job.occurrence_count,
            ...recurrencePolicies(job),
            inFlight: { live: job.live, buffered: job.buffered },
            paused,
          },
          now,
        );
        const state = decision.nextRunAt === null ? 'COMPLETED' : paused ? 'PAUSED' : 'ACTIVE';
        handled.push({ tick: index, job, decision, state, resumes });
        // A copy of this tick later in the batch finds the job moved on, as it would in its own transaction.
        job.next_run_at = decision.nextRunAt;
        job.schedule_state = state;
        return null;
      });
      if (handled.length === 0) {
        return stale.map((result) => result ?? { kind: 'stale', nextRunAt: null });
      }

      const cancelling = handled.filter(({ decision }) => decision.cancelInFlight).map(({ job }) => job.id);
      const superseded =
        cancelling.length === 0 ? [] : await cancelExecutions(tx, { jobIds: cancelling }, now, SUPERSEDED);
      const runs = handled.flatMap(({ job, decision }) =>
        decision.occurrences.flatMap((occurrence) =>
          occurrence.outcome === 'ENQUEUED' || occurrence.outcome === 'BUFFERED'
            ? [
                {
                  job,
                  executionId: newId(),
                  runAt: occurrence.runAt,
                  nominalTime: occurrence.nominalTime,
                  afterPrevious: occurrence.outcome === 'BUFFERED',
                },
              ]
            : [],
        ),
      );
      await createRuns(tx, runs, now);
      const executionIds = new Map(runs.map((run) => [`${run.job.id}@${run.nominalTime.getTime()}`, run.executionId]));
      const occurrences = handled.flatMap(({ job, decision }) =>
        decision.occurrences.map((occurrence) => ({ job, occurrence })),
      );
      await tx.query(INSERT_OCCURRENCES, [
        occurrences.map(({ job }) => job.id),
        occurrences.map(({ occurrence }) => occurrence.nominalTime),
        occurrences.map(({ occurrence }) => occurrence.outcome),
        occurrences.map(
          ({ job, occurrence }) => executionIds.get(`${job.id}@${occurrence.nominalTime.getTime()}`) ?? null,
        ),
        now,
      ]);
      const column = <T>(pick: (item: HandledTick) => T) => handled.map(pick);
      await tx.query(ADVANCE_SCHEDULES, [
        column(({ job }) => job.id),
        column(({ decision }) => decision.nextRunAt),
        column(({ decision }) => decision.occurrences.length),
        column(({ state }) => state),
        column(({ resumes }) => resumes),
        now,
      ]);

      const runsOf = groupBy(runs, (run) => run.job.id);
      const supersededOf = groupBy(superseded, (execution) => execution.jobId);
      const results = [...stale];
      for (const { tick, job, decision } of handled) {
        results[tick] = {
          kind: 'handled',
          nextRunAt: decision.nextRunAt,
          enqueued: runsOf.get(job.id)?.length ?? 0,
          superseded: { queue: job.queue, executions: supersededOf.get(job.id) ?? [] },
        };
      }
      return results.map((result) => result ?? { kind: 'stale', nextRunAt: null });
    }, TICK_BATCH_RETRIES);
  }

  /** The ledger of a job, newest occurrence first; the cursor is the last nominal time seen. */
  async list(
    jobId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: OccurrenceRecord[]; nextCursor: string | null }> {
    const before = decodeTimeCursor(cursor);
    const rows = await this.db.occurrence.findMany({
      where: { jobId, ...(before === undefined ? {} : { nominalTime: { lt: before } }) },
      orderBy: { nominalTime: 'desc' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map((row) => ({
      nominalTime: row.nominalTime,
      outcome: row.outcome,
      executionId: row.executionId,
      recordedAt: row.recordedAt,
    }));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last !== undefined ? encodeTimeCursor(last.nominalTime) : null,
    };
  }
}

import {
  type CatchUpPolicy,
  decideOverlap,
  ExecutionStatus,
  JobNotFoundError,
  newId,
  type OccurrenceOutcome,
  type OverlapPolicy,
  type RunsInFlight,
  ValidationError,
} from '@meridian/domain';

import { appendAuditEntries, type AuditOf } from './audit-entries.js';
import {
  cancelExecutions,
  type CancelledExecution,
  type CancelReason,
  createExecutions,
} from './execution-transitions.js';
import { groupBy } from './group-by.js';
import { toJobRecord } from './mappers.js';
import type { Database } from './postgres.js';
import {
  type JobRecord,
  recurrencePolicies,
  type StoredOverlapPolicy,
  type StoredRecurrencePolicies,
  storedRecurrencePolicies,
} from './records.js';
import { type SqlClient, type SqlTransaction, type Statement, statementsIn } from './sql-client.js';
import { UNFINISHED_STATUSES } from './unfinished-executions.js';

/** What PATCH may change on a recurring job; absent fields stay. */
export interface RecurringJobChanges {
  name?: string;
  payload?: unknown;
  /** A new schedule starts over: `limit` counts from the change. */
  schedule?: unknown;
  overlap?: OverlapPolicy;
  catchUp?: CatchUpPolicy;
}

/** A recurring job as its tick needs it. */
export interface RecurringJobState {
  id: string;
  namespace: string;
  schedule: unknown;
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

/** Executions cancelled by Meridian, with the queue they were in, for the caller to tell Redis. */
export interface Superseded {
  queue: string;
  executions: CancelledExecution[];
}

export type TickResult =
  | { kind: 'handled'; nextRunAt: Date | null; enqueued: number; superseded: Superseded }
  /** The tick is not the job's next one (redelivered, or the job changed or is gone). */
  | { kind: 'stale'; nextRunAt: Date | null };

export type TriggerResult =
  { kind: 'started' | 'buffered'; executionId: string; superseded: Superseded } | { kind: 'refused' };

export interface OccurrenceRecord {
  nominalTime: Date;
  outcome: OccurrenceOutcome;
  executionId: string | null;
  recordedAt: Date;
}

/** One nominal time of a backfill: run now, or already run (`deduplicated`), with its ledger row. */
export interface BackfillItem {
  nominalTime: Date;
  result: 'backfilled' | 'deduplicated';
  /** What the ledger held before: null when the occurrence was never recorded. */
  previousOutcome: OccurrenceOutcome | null;
  /** The execution that runs (or ran) it; null in a dry run for an occurrence still to create. */
  executionId: string | null;
}

/** Backfill runs either one after another (`sequential`, the default) or all at once (`parallel`). */
export type BackfillMode = 'sequential' | 'parallel';

/** Times a tick batch runs again after a deadlock before its ticks fail (and BullMQ retries them). */
const TICK_BATCH_RETRIES = 5;

/** Runs a named statement: a transaction's connection, or a Prisma transaction's (statementsIn). */
type Runner = Pick<SqlTransaction, 'query'>;

/**
 * Records occurrences ($1 job ids, $2 nominal times, $3 outcomes, $4 execution ids or nulls;
 * aligned) at $5. Idempotency: an occurrence already recorded is left as it is (the ledger's key).
 */
const INSERT_OCCURRENCES: Statement = {
  name: 'meridian_insert_occurrences',
  text: `
    INSERT INTO occurrences (job_id, nominal_time, outcome, execution_id, recorded_at)
    SELECT o.job_id, o.nominal_time, o.outcome::"OccurrenceOutcome", o.execution_id, $5
      FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::uuid[]) AS o(job_id, nominal_time, outcome, execution_id)
    ON CONFLICT (job_id, nominal_time) DO NOTHING`,
};

/**
 * Moves each recurring job ($1 ids) on to its next tick ($2, null when none is left), counting its
 * occurrences handled ($3) and setting its schedule state ($4); a pause that ended ($5) is cleared.
 * At $6. The caller holds the jobs' rows (LOCK_RECURRING_JOBS).
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

const SUPERSEDED: CancelReason = {
  code: 'superseded',
  message: 'cancelled because a newer run of the job started (overlap cancel_previous)',
};

type ScheduleState = 'ACTIVE' | 'PAUSED' | 'COMPLETED';

interface LockedJob extends StoredRecurrencePolicies {
  id: string;
  namespace: string;
  queue: string;
  schedule: unknown;
  schedule_state: ScheduleState | null;
  next_run_at: Date | null;
  occurrence_count: number;
  paused_until: Date | null;
  live: number;
  buffered: number;
}

interface NewRun {
  job: { id: string; namespace: string };
  executionId: string;
  runAt: Date;
  nominalTime: Date | null;
  /** Waits for the job's earlier unfinished executions to end before it is enqueued. */
  afterPrevious: boolean;
}

/** The occurrence ledger and the writes a schedule tick, a trigger or a backfill makes. */
export class OccurrenceLedgerRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /**
   * Handles the ticks of `ticks`, each the tick of one job due at its `due`, in one transaction:
   * ticks that fire together (every schedule of a busy second) share a handful of statements and
   * one commit instead of a transaction each. Results are in the order of `ticks`.
   *
   * Inputs: the ticks, the clock, `decide`, which turns a job's state into a plan (pure), and
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
    now: Date,
    decide: (job: RecurringJobState) => TickDecision,
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
      /** Each tick that is its job's next, with its decision and the job's state after it. */
      const handled: {
        tick: number;
        job: LockedJob;
        decision: TickDecision;
        state: ScheduleState;
        resumes: boolean;
      }[] = [];
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
        const decision = decide({
          id: job.id,
          namespace: job.namespace,
          schedule: job.schedule,
          nextRunAt: job.next_run_at,
          occurrenceCount: job.occurrence_count,
          ...recurrencePolicies(job),
          inFlight: { live: job.live, buffered: job.buffered },
          paused,
        });
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
      const column = <T>(pick: (item: (typeof handled)[number]) => T) => handled.map(pick);
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

  /**
   * Changes a recurring job. The next tick is recomputed by `nextAfter` from the later of now and
   * the last nominal time in the ledger, so the new schedule starts with the next occurrence:
   * nothing already recorded can come again, and nothing between is owed. An outbox row arms the
   * new tick; the old one finds itself stale when it fires. `audit` makes the entry from the job as
   * changed, written in the same transaction.
   * Locks: the job row. Returns false when the job has no schedule left to change.
   */
  async updateRecurring(
    jobId: string,
    changes: RecurringJobChanges,
    nextAfter: (after: Date) => Date | null,
    now: Date,
    audit?: AuditOf<JobRecord>,
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ schedule_state: string | null; last: Date | null }[]>`
        SELECT j.schedule_state, (SELECT max(o.nominal_time) FROM occurrences o WHERE o.job_id = j.id) AS last
          FROM jobs j WHERE j.id = ${jobId}::uuid FOR UPDATE OF j`;
      const job = rows[0];
      if (job === undefined || (job.schedule_state !== 'ACTIVE' && job.schedule_state !== 'PAUSED')) {
        return false;
      }
      const after = new Date(Math.max(now.getTime(), job.last?.getTime() ?? -Infinity));
      const nextRunAt = changes.schedule === undefined ? undefined : nextAfter(after);
      const updated = await tx.job.update({
        where: { id: jobId },
        data: {
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.payload === undefined ? {} : { payload: changes.payload as object }),
          ...storedRecurrencePolicies(changes),
          ...(changes.schedule === undefined
            ? {}
            : {
                schedule: changes.schedule as object,
                nextRunAt: nextRunAt ?? null,
                occurrenceCount: 0,
                ...(nextRunAt === null ? { scheduleState: 'COMPLETED' as const } : {}),
              }),
        },
      });
      if (changes.schedule !== undefined && nextRunAt !== null) {
        await tx.outbox.create({ data: { kind: 'ARM_SCHEDULE', jobId } });
      }
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit(toJobRecord(updated))], now);
      }
      return true;
    });
  }

  /**
   * Pauses (`pause` given) or resumes (`pause` null) a recurring job. A paused job keeps ticking so
   * each occurrence it lets pass is in the ledger as PAUSED. Returns false when the job has no
   * schedule left to pause or resume. `audit` makes the entry from the job as paused or resumed,
   * written in the same transaction.
   */
  async setPaused(
    jobId: string,
    pause: { until: Date | null; note: string | null } | null,
    audit?: AuditOf<JobRecord>,
    now: Date = new Date(),
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.job.updateMany({
        where: { id: jobId, scheduleState: { in: ['ACTIVE', 'PAUSED'] } },
        data:
          pause === null
            ? { scheduleState: 'ACTIVE', pausedUntil: null, pauseNote: null }
            : { scheduleState: 'PAUSED', pausedUntil: pause.until, pauseNote: pause.note },
      });
      if (count > 0 && audit !== undefined) {
        const job = toJobRecord(await tx.job.findUniqueOrThrow({ where: { id: jobId } }));
        await appendAuditEntries(statementsIn(tx), [audit(job)], now);
      }
      return count > 0;
    });
  }

  /**
   * Creates a run of a recurring job now, outside its schedule, as its overlap policy says: at once,
   * buffered behind the runs in flight, after cancelling them, or not at all (`refused`). Locks the
   * job row, so two triggers and a tick cannot both see "no run going". `audit` makes the entry of
   * a run created, written in the same transaction.
   */
  async trigger(
    jobId: string,
    now: Date,
    audit?: AuditOf<Exclude<TriggerResult, { kind: 'refused' }>>,
  ): Promise<TriggerResult> {
    return this.db.$transaction(async (tx) => {
      const [job] = await lockRecurringJobs(statementsIn(tx), [jobId]);
      if (job === undefined) {
        throw new JobNotFoundError(jobId);
      }
      const decision = decideOverlap(recurrencePolicies(job).overlap, { live: job.live, buffered: job.buffered });
      if (decision === 'skip') {
        return { kind: 'refused' };
      }
      const superseded =
        decision === 'cancel_and_run' ? await cancelExecutions(statementsIn(tx), { jobId }, now, SUPERSEDED) : [];
      const run = { job, executionId: newId(), runAt: now, nominalTime: null, afterPrevious: decision === 'buffer' };
      await createRuns(statementsIn(tx), [run], now);
      const result = {
        kind: run.afterPrevious ? ('buffered' as const) : ('started' as const),
        executionId: run.executionId,
        superseded: { queue: job.queue, executions: superseded },
      };
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit(result)], now);
      }
      return result;
    });
  }

  /**
   * Runs past occurrences now: each of `nominalTimes` that has no execution yet (never recorded,
   * or recorded as missed, skipped or paused) gets one, and its ledger row says BACKFILLED; one that
   * already has an execution is left as it is and reported as `deduplicated`. A dry run reports the
   * same and writes nothing, no audit entry either. Locks the job row, so a concurrent tick or
   * backfill cannot run an occurrence twice. Returns null when the job has no schedule. `audit`
   * makes the entry from the items, written in the same transaction.
   */
  async backfill(
    jobId: string,
    nominalTimes: Date[],
    options: { mode: BackfillMode; dryRun: boolean },
    now: Date,
    audit?: AuditOf<BackfillItem[]>,
  ): Promise<BackfillItem[] | null> {
    return this.db.$transaction(
      async (tx) => {
        const [job] = await lockRecurringJobs(statementsIn(tx), [jobId]);
        if (job === undefined || job.schedule_state === null) {
          return null;
        }
        const existing = await tx.occurrence.findMany({
          where: { jobId, nominalTime: { in: nominalTimes } },
          select: { nominalTime: true, outcome: true, executionId: true },
        });
        const recorded = new Map(existing.map((row) => [row.nominalTime.getTime(), row]));
        const items: BackfillItem[] = nominalTimes.map((nominalTime) => {
          const row = recorded.get(nominalTime.getTime());
          return row !== undefined && row.executionId !== null
            ? { nominalTime, result: 'deduplicated', previousOutcome: row.outcome, executionId: row.executionId }
            : {
                nominalTime,
                result: 'backfilled',
                previousOutcome: row?.outcome ?? null,
                executionId: options.dryRun ? null : newId(),
              };
        });
        if (options.dryRun) {
          return items;
        }
        const runs = items.flatMap((item) =>
          item.result === 'backfilled' && item.executionId !== null
            ? [
                {
                  job,
                  executionId: item.executionId,
                  runAt: now,
                  nominalTime: item.nominalTime,
                  afterPrevious: options.mode === 'sequential',
                },
              ]
            : [],
        );
        await createRuns(statementsIn(tx), runs, now);
        if (runs.length > 0) {
          // A row recorded without a run (missed, skipped, paused) now has one; a row with a run is
          // never touched, so a concurrent second backfill changes nothing.
          await tx.$executeRaw`
            INSERT INTO occurrences (job_id, nominal_time, outcome, execution_id, recorded_at)
            SELECT ${jobId}::uuid, r.nominal_time, 'BACKFILLED', r.execution_id, ${now}
              FROM unnest(${runs.map((run) => run.nominalTime)}::timestamptz[],
                          ${runs.map((run) => run.executionId)}::uuid[]) AS r(nominal_time, execution_id)
            ON CONFLICT (job_id, nominal_time) DO UPDATE
               SET outcome = 'BACKFILLED', execution_id = EXCLUDED.execution_id, recorded_at = EXCLUDED.recorded_at
             WHERE occurrences.execution_id IS NULL`;
        }
        if (audit !== undefined) {
          await appendAuditEntries(statementsIn(tx), [audit(items)], now);
        }
        return items;
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  /** The ledger of a job, newest occurrence first; the cursor is the last nominal time seen. */
  async list(
    jobId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: OccurrenceRecord[]; nextCursor: string | null }> {
    const before = cursor === undefined ? undefined : decodeTimeCursor(cursor);
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
      nextCursor:
        rows.length > limit && last !== undefined
          ? Buffer.from(last.nominalTime.toISOString()).toString('base64url')
          : null,
    };
  }

  /**
   * Active recurring jobs untouched since `updatedBefore`, whose next tick the reconciler checks.
   * Keyset-paged by id. Served by the partial index of recurring jobs (`schedule IS NOT NULL`).
   */
  async findArmed(
    updatedBefore: Date,
    afterId: string | null,
    limit: number,
  ): Promise<{ jobId: string; nextRunAt: Date }[]> {
    const rows = await this.db.$queryRaw<{ id: string; next_run_at: Date }[]>`
      SELECT j.id, j.next_run_at FROM jobs j
       WHERE j.schedule IS NOT NULL AND j.schedule_state IN ('ACTIVE', 'PAUSED') AND j.next_run_at IS NOT NULL
         AND j.updated_at < ${updatedBefore}
         AND j.id > ${afterId ?? '00000000-0000-0000-0000-000000000000'}::uuid
       ORDER BY j.id
       LIMIT ${limit}`;
    return rows.map((row) => ({ jobId: row.id, nextRunAt: row.next_run_at }));
  }
}

function decodeTimeCursor(cursor: string): Date {
  const date = new Date(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError([
      { path: 'cursor', message: 'is not a cursor returned by this API', code: 'invalid_cursor' },
    ]);
  }
  return date;
}

/**
 * Locks the rows of the jobs `jobIds` ($1) for the transaction, in id order, and reads what a tick,
 * trigger or backfill decides on: each job's schedule, policies, and runs in flight (`buffered`:
 * those waiting for the earlier ones), leaving out the executions of $3 while they are QUEUED
 * (lost with Redis and enqueued again). Jobs that do not exist are absent.
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

async function lockRecurringJobs(
  tx: Runner,
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

/**
 * Creates the executions of `runs` with their outbox rows; each goes to BullMQ through the relay,
 * and each that is not buffered sets its job's status (see {@link createExecutions}).
 */
async function createRuns(tx: Runner, runs: readonly NewRun[], now: Date): Promise<void> {
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

import {
  assertTransition,
  type AttemptOutcome,
  type ExecutionDispatch,
  ExecutionStatus,
  type ExecutionStatus as Status,
  sourcesOf,
  toStorableJson,
} from '@meridian/domain';

import { resetForRetry } from './dependency.repository.js';
import { DISPATCH_COLUMNS, type DispatchRow, toDispatch } from './dispatch-row.js';
import { GroupCommit } from './group-commit.js';
import { toAttemptRecord, toExecutionRecord } from './mappers.js';
import { decodeCursor, toPage } from './pagination.js';
import type { Database } from './postgres.js';
import type { AttemptRecord, ExecutionRecord, Page } from './records.js';
import { isRetryableConflict, type SqlClient, type Statement } from './sql-client.js';
import { cancelExecutions, type CancelledExecution } from './unfinished-executions.js';

/** An attempt's end as recorded. */
export interface FinishedAttempt {
  /**
   * Whether jobs depend on this execution's job, so that its end must be settled on them. A
   * dependent created later settles this end itself (see WorkflowRepository.createDependentJob).
   */
  hasDependents: boolean;
}

export interface StartedAttempt {
  executionId: string;
  attempt: number;
  /**
   * This attempt's number among those that count against maxAttempts: attempts interrupted by a
   * lost or stopping worker are not the handler's failures and are not counted.
   */
  countedAttempt: number;
}

/** How an attempt ended, and what that makes of the execution. */
export type AttemptResult =
  | { status: typeof ExecutionStatus.Succeeded; result: unknown }
  | {
      status: typeof ExecutionStatus.Retrying;
      outcome: AttemptOutcome;
      error: Record<string, unknown>;
      retryDelayMs: number;
    }
  | { status: typeof ExecutionStatus.Dead; outcome: AttemptOutcome; error: Record<string, unknown> };

/** An execution that should be in BullMQ right now, with what it takes to enqueue it again. */
export interface LiveExecution {
  status: Status;
  dispatch: ExecutionDispatch;
}

const json = (value: unknown) => (value === undefined ? null : toStorableJson(value));

const STARTABLE = sourcesOf(ExecutionStatus.Running);

/**
 * Begins the next attempt of each execution given ($1 ids, $2 worker ids, $3 clocks; aligned).
 * Output: per execution that may run (not cancelled, finished or deleted), its new attempt number
 * and the number of that attempt among those that count (interrupted attempts do not). Locks: the
 * execution, attempt and job rows written, until commit. Idempotency: none by design: a redelivery
 * after a lost worker starts a new attempt, and the lost worker's RUNNING attempt is closed as
 * INTERRUPTED, so its late result is refused as stale by FINISH_ATTEMPTS.
 */
const START_ATTEMPTS: Statement = {
  name: 'meridian_start_attempts',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS t(id, worker_id, now)
    ), started AS (
      UPDATE executions e
         SET status = 'RUNNING', attempt = e.attempt + 1, started_at = i.now, worker_id = i.worker_id,
             next_attempt_at = NULL, updated_at = i.now
        FROM input i
       WHERE e.id = i.id AND e.status = ANY($4::"ExecutionStatus"[])
      RETURNING e.id, e.job_id, e.attempt, i.worker_id, i.now
    ), interrupted AS (
      UPDATE execution_attempts a
         SET outcome = 'INTERRUPTED', finished_at = s.now,
             duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (s.now - a.started_at)) * 1000)::int)
        FROM started s
       WHERE a.execution_id = s.id AND a.attempt < s.attempt AND a.outcome = 'RUNNING'
    ), attempt_row AS (
      INSERT INTO execution_attempts (execution_id, attempt, outcome, worker_id, started_at)
      SELECT id, attempt, 'RUNNING', worker_id, now FROM started
    ), job_row AS (
      UPDATE jobs SET status = 'RUNNING', updated_at = s.now FROM started s WHERE jobs.id = s.job_id
    )
    SELECT s.id, s.attempt,
           s.attempt - (SELECT count(*)::int FROM execution_attempts a
                         WHERE a.execution_id = s.id AND a.attempt < s.attempt
                           AND a.outcome IN ('INTERRUPTED', 'RUNNING')) AS counted_attempt
      FROM started s`,
};

/**
 * Records how attempts ended and moves their executions on ($1–$8, aligned: execution id, attempt,
 * new status, attempt outcome, result, error, retry delay, clock). Output: the ids whose write
 * applied, each with whether other jobs depend on its job (so that most ends skip settling); a
 * stale write (the execution was cancelled, or a newer attempt started) changes nothing.
 * Locks: the execution, attempt and job rows written, until commit.
 */
const FINISH_ATTEMPTS: Statement = {
  name: 'meridian_finish_attempts',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                           $8::timestamptz[])
        AS t(id, attempt, status, attempt_outcome, result, error, retry_delay_ms, now)
    ), finished AS (
      UPDATE executions e
         SET status = i.status::"ExecutionStatus",
             finished_at = CASE WHEN i.status = 'RETRYING' THEN NULL ELSE i.now END,
             result = i.result::jsonb, last_error = COALESCE(i.error::jsonb, e.last_error),
             next_attempt_at = i.now + i.retry_delay_ms * interval '1 millisecond', updated_at = i.now
        FROM input i
       WHERE e.id = i.id AND e.attempt = i.attempt AND e.status = 'RUNNING'
      RETURNING e.id, e.job_id, i.attempt, i.status, i.attempt_outcome, i.error, i.retry_delay_ms, i.now
    ), attempt_row AS (
      UPDATE execution_attempts a
         SET outcome = f.attempt_outcome::"AttemptOutcome", finished_at = f.now, error = f.error::jsonb,
             retry_delay_ms = f.retry_delay_ms,
             duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (f.now - a.started_at)) * 1000)::int)
        FROM finished f
       WHERE a.execution_id = f.id AND a.attempt = f.attempt
    ), job_row AS (
      UPDATE jobs SET status = f.status::"ExecutionStatus", updated_at = f.now FROM finished f WHERE jobs.id = f.job_id
    )
    SELECT f.id, EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on_job_id = f.job_id) AS has_dependents
      FROM finished f`,
};

interface AttemptStart {
  executionId: string;
  workerId: string;
  now: Date;
}

interface AttemptFinish {
  executionId: string;
  attempt: number;
  outcome: AttemptResult;
  now: Date;
}

/**
 * Runs a batched statement, again on a deadlock. Rows go in id order, so two batches lock shared
 * rows in the same order; a deadlock can still come from another writer (the relay, a cancel), and
 * Postgres then aborts one side, which is safe to repeat: each write is conditional on the state it
 * moves from.
 */
async function runBatch<R>(sql: SqlClient, statement: Statement, values: readonly unknown[]): Promise<R[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sql.query<R>(statement, values);
    } catch (error) {
      if (attempt >= 5 || !isRetryableConflict(error)) {
        throw error;
      }
    }
  }
}

const byExecutionId = <T extends { executionId: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => (a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0));

export class ExecutionRepository {
  /** Attempt starts and ends of concurrent deliveries share statements and commits (group commit). */
  private readonly starts: GroupCommit<AttemptStart, StartedAttempt | null>;
  private readonly finishes: GroupCommit<AttemptFinish, FinishedAttempt | null>;

  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {
    this.starts = new GroupCommit((items) => this.writeStarts(items));
    this.finishes = new GroupCommit((items) => this.writeFinishes(items));
  }

  async findById(namespace: string, id: string): Promise<(ExecutionRecord & { attempts: AttemptRecord[] }) | null> {
    const row = await this.db.execution.findFirst({
      where: { id, namespace },
      include: { attempts: { orderBy: { attempt: 'asc' } } },
    });
    return row === null ? null : { ...toExecutionRecord(row), attempts: row.attempts.map(toAttemptRecord) };
  }

  /** The job's newest execution: one index probe on (job_id, id), however long its history. */
  async findLatestByJob(jobId: string): Promise<ExecutionRecord | null> {
    const row = await this.db.execution.findFirst({ where: { jobId }, orderBy: { id: 'desc' } });
    return row === null ? null : toExecutionRecord(row);
  }

  async listByJob(jobId: string, cursor: string | undefined, limit: number): Promise<Page<ExecutionRecord>> {
    const after = decodeCursor(cursor);
    const rows = await this.db.execution.findMany({
      where: { jobId, ...(after === undefined ? {} : { id: { lt: after } }) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return toPage(rows, limit, toExecutionRecord);
  }

  /**
   * Executions that Postgres says are queued, retrying or running and that nobody has touched since
   * `updatedBefore`: the reconciler checks each against BullMQ. Oldest first, keyset-paged by id.
   * Served by the (status, scheduled_for) index.
   */
  async findLive(updatedBefore: Date, afterId: string | null, limit: number): Promise<LiveExecution[]> {
    const rows = await this.db.$queryRaw<(DispatchRow & { status: Status })[]>`
      SELECT e.status, ${DISPATCH_COLUMNS}
        FROM executions e
        JOIN jobs j ON j.id = e.job_id
       WHERE e.status IN ('QUEUED', 'RETRYING', 'RUNNING')
         AND e.updated_at < ${updatedBefore}
         AND e.id > ${afterId ?? '00000000-0000-0000-0000-000000000000'}::uuid
       ORDER BY e.id
       LIMIT ${limit}`;
    return rows.map((row) => ({ status: row.status, dispatch: toDispatch(row) }));
  }

  /**
   * Begins the next attempt of an execution.
   *
   * Inputs: execution id, worker id, clock. Output: the attempt number, or null when the execution
   * may not run (cancelled, finished or deleted), in which case the caller drops the delivery.
   * Locks: the execution row, for this statement. Idempotency: none by design: a redelivery after a
   * lost worker starts a new attempt, and the lost worker's RUNNING attempt is closed as INTERRUPTED,
   * so its late result is refused as stale by {@link finishAttempt}.
   */
  async startAttempt(executionId: string, workerId: string, now: Date): Promise<StartedAttempt | null> {
    return this.starts.submit({ executionId, workerId, now });
  }

  /**
   * Records how attempt `attempt` ended and moves the execution on; resolves once committed.
   *
   * Inputs: execution id, attempt number, outcome, clock. Output: null when the write was stale
   * (the execution was cancelled, or a newer attempt has started) and nothing changed.
   */
  async finishAttempt(
    executionId: string,
    attempt: number,
    outcome: AttemptResult,
    now: Date,
  ): Promise<FinishedAttempt | null> {
    assertTransition(ExecutionStatus.Running, outcome.status);
    return this.finishes.submit({ executionId, attempt, outcome, now });
  }

  /** Resolves once every attempt start and end submitted so far is committed or failed. */
  async drain(): Promise<void> {
    await Promise.all([this.starts.drain(), this.finishes.drain()]);
  }

  private async writeStarts(items: AttemptStart[]): Promise<(StartedAttempt | null)[]> {
    // One delivery per execution per batch: a second (a redelivery racing its twin) gets null and
    // drops, as it would if it came a moment later and found the execution RUNNING.
    const unique = byExecutionId([...new Map(items.map((item) => [item.executionId, item])).values()]);
    const rows = await runBatch<{ id: string; attempt: number; counted_attempt: number }>(this.sql, START_ATTEMPTS, [
      unique.map((item) => item.executionId),
      unique.map((item) => item.workerId),
      unique.map((item) => item.now),
      STARTABLE,
    ]);
    const started = new Map(rows.map((row) => [row.id, row]));
    return items.map((item) => {
      const row = started.get(item.executionId);
      if (row === undefined) {
        return null;
      }
      started.delete(item.executionId);
      return { executionId: row.id, attempt: row.attempt, countedAttempt: row.counted_attempt };
    });
  }

  private async writeFinishes(items: AttemptFinish[]): Promise<(FinishedAttempt | null)[]> {
    const sorted = byExecutionId(items);
    const column = <T>(pick: (item: AttemptFinish) => T) => sorted.map(pick);
    const rows = await runBatch<{ id: string; has_dependents: boolean }>(this.sql, FINISH_ATTEMPTS, [
      column((item) => item.executionId),
      column((item) => item.attempt),
      column((item) => item.outcome.status),
      column((item) => (item.outcome.status === ExecutionStatus.Succeeded ? 'SUCCEEDED' : item.outcome.outcome)),
      column((item) => (item.outcome.status === ExecutionStatus.Succeeded ? json(item.outcome.result) : null)),
      column((item) => (item.outcome.status === ExecutionStatus.Succeeded ? null : json(item.outcome.error))),
      column((item) => (item.outcome.status === ExecutionStatus.Retrying ? item.outcome.retryDelayMs : null)),
      column((item) => item.now),
    ]);
    const applied = new Map(rows.map((row) => [row.id, { hasDependents: row.has_dependents }]));
    return items.map((item) => applied.get(item.executionId) ?? null);
  }

  /**
   * Closes a RUNNING attempt row without moving the execution: used when the execution was already
   * moved by someone else (a user's cancel) and only the attempt's own ending is left to record.
   */
  async closeAttempt(
    executionId: string,
    attempt: number,
    outcome: AttemptOutcome,
    error: Record<string, unknown> | null,
    now: Date,
  ): Promise<boolean> {
    const count = await this.db.$executeRaw`
      UPDATE execution_attempts
         SET outcome = ${outcome}::"AttemptOutcome", finished_at = ${now}, error = ${json(error)}::jsonb,
             duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamptz - started_at)) * 1000)::int)
       WHERE execution_id = ${executionId}::uuid AND attempt = ${attempt} AND outcome = 'RUNNING'`;
    return count > 0;
  }

  /**
   * Gives a running execution back to the queue without counting the attempt as failed: used when a
   * worker shuts down before its handler finished.
   */
  async releaseAttempt(executionId: string, attempt: number, now: Date): Promise<boolean> {
    assertTransition(ExecutionStatus.Running, ExecutionStatus.Queued);
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      WITH released AS (
        UPDATE executions SET status = 'QUEUED', updated_at = ${now}
         WHERE id = ${executionId}::uuid AND attempt = ${attempt} AND status = 'RUNNING'
        RETURNING id, job_id
      ), attempt_row AS (
        UPDATE execution_attempts a
           SET outcome = 'INTERRUPTED', finished_at = ${now},
               duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamptz - a.started_at)) * 1000)::int)
          FROM released r WHERE a.execution_id = r.id AND a.attempt = ${attempt}
      ), job_row AS (
        UPDATE jobs SET status = 'QUEUED', updated_at = ${now} FROM released r WHERE jobs.id = r.job_id
      )
      SELECT id FROM released`;
    return rows.length > 0;
  }

  /**
   * Runs a DEAD or CANCELLED execution again, as a new execution of its job (the job's latest; a
   * one-off job, outside a cancelled workflow). Jobs downstream that were skipped or cancelled
   * because of it wait again, so retrying a failed job resumes its workflow from there.
   * Locks the job row. Returns the new execution's id, or why there is none.
   */
  async retry(
    namespace: string,
    executionId: string,
    now: Date,
  ): Promise<{ executionId: string } | { refused: string } | null> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<
        {
          status: Status;
          job_id: string;
          recurring: boolean;
          workflow_id: string | null;
          workflow_cancelled: boolean;
          superseded: boolean;
        }[]
      >`
        SELECT e.status, e.job_id, j.schedule_state IS NOT NULL AS recurring, j.workflow_id,
               COALESCE(w.cancelled_at IS NOT NULL, false) AS workflow_cancelled,
               EXISTS (SELECT 1 FROM executions x WHERE x.job_id = e.job_id AND x.id > e.id) AS superseded
          FROM executions e
          JOIN jobs j ON j.id = e.job_id
          LEFT JOIN workflows w ON w.id = j.workflow_id
         WHERE e.id = ${executionId}::uuid AND e.namespace = ${namespace}
           FOR UPDATE OF j`;
      const execution = rows[0];
      if (execution === undefined) {
        return null;
      }
      const refusal =
        execution.status !== ExecutionStatus.Dead && execution.status !== ExecutionStatus.Cancelled
          ? `it is ${execution.status}; only a DEAD or CANCELLED execution is retried`
          : execution.superseded
            ? 'its job has run again since'
            : execution.recurring
              ? 'its job is recurring; use trigger or backfill'
              : execution.workflow_cancelled
                ? 'its workflow was cancelled'
                : null;
      if (refusal !== null) {
        return { refused: refusal };
      }
      const retried = await resetForRetry(
        tx,
        { id: execution.job_id, namespace, workflowId: execution.workflow_id },
        now,
      );
      return { executionId: retried };
    });
  }

  /** Cancels every execution of a job that has not finished; see {@link cancelExecutions}. */
  async cancelByJob(jobId: string, now: Date): Promise<CancelledExecution[]> {
    const cancelled = await cancelExecutions(this.db, { jobId }, now);
    return cancelled.map(({ id, previousStatus }) => ({ id, previousStatus }));
  }
}

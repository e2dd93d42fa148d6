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
import { toAttemptRecord, toExecutionRecord } from './mappers.js';
import { decodeCursor, toPage } from './pagination.js';
import type { Database } from './prisma-client.factory.js';
import type { AttemptRecord, ExecutionRecord, Page } from './records.js';
import { cancelExecutions, type CancelledExecution } from './unfinished-executions.js';

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

/**
 * The one place execution state is written. Every write is conditional on the state machine's legal
 * sources (and, for a finishing attempt, on the attempt number), so an illegal or stale write changes
 * nothing and says so by returning null/false. Each write also keeps `jobs.status` and the attempt
 * row in step, in the same statement.
 */
export class ExecutionRepository {
  constructor(private readonly db: Database) {}

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
    const sources = sourcesOf(ExecutionStatus.Running);
    const rows = await this.db.$queryRaw<{ id: string; attempt: number; counted_attempt: number }[]>`
      WITH started AS (
        UPDATE executions
           SET status = 'RUNNING', attempt = attempt + 1, started_at = ${now}, worker_id = ${workerId},
               next_attempt_at = NULL, updated_at = ${now}
         WHERE id = ${executionId}::uuid AND status = ANY(${sources}::"ExecutionStatus"[])
        RETURNING id, job_id, attempt
      ), interrupted AS (
        UPDATE execution_attempts a
           SET outcome = 'INTERRUPTED', finished_at = ${now},
               duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamptz - a.started_at)) * 1000)::int)
          FROM started s
         WHERE a.execution_id = s.id AND a.attempt < s.attempt AND a.outcome = 'RUNNING'
      ), attempt_row AS (
        INSERT INTO execution_attempts (execution_id, attempt, outcome, worker_id, started_at)
        SELECT id, attempt, 'RUNNING', ${workerId}, ${now} FROM started
      ), job_row AS (
        UPDATE jobs SET status = 'RUNNING', updated_at = ${now} FROM started s WHERE jobs.id = s.job_id
      )
      SELECT s.id, s.attempt,
             s.attempt - (SELECT count(*)::int FROM execution_attempts a
                           WHERE a.execution_id = s.id AND a.attempt < s.attempt
                             AND a.outcome IN ('INTERRUPTED', 'RUNNING')) AS counted_attempt
        FROM started s`;
    const row = rows[0];
    return row === undefined
      ? null
      : { executionId: row.id, attempt: row.attempt, countedAttempt: row.counted_attempt };
  }

  /**
   * Records how attempt `attempt` ended and moves the execution on.
   *
   * Inputs: execution id, attempt number, outcome, clock. Output: false when the write was stale
   * (the execution was cancelled, or a newer attempt has started) and nothing changed.
   * Locks: the execution row, for this statement.
   */
  async finishAttempt(executionId: string, attempt: number, outcome: AttemptResult, now: Date): Promise<boolean> {
    assertTransition(ExecutionStatus.Running, outcome.status);
    const succeeded = outcome.status === ExecutionStatus.Succeeded;
    const attemptOutcome = succeeded ? 'SUCCEEDED' : outcome.outcome;
    const error = succeeded ? null : json(outcome.error);
    const result = succeeded ? json(outcome.result) : null;
    const retryDelayMs = outcome.status === ExecutionStatus.Retrying ? outcome.retryDelayMs : null;
    const nextAttemptAt = retryDelayMs === null ? null : new Date(now.getTime() + retryDelayMs);
    const finishedAt = outcome.status === ExecutionStatus.Retrying ? null : now;
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      WITH finished AS (
        UPDATE executions
           SET status = ${outcome.status}::"ExecutionStatus", finished_at = ${finishedAt}::timestamptz,
               result = ${result}::jsonb, last_error = COALESCE(${error}::jsonb, last_error),
               next_attempt_at = ${nextAttemptAt}::timestamptz, updated_at = ${now}
         WHERE id = ${executionId}::uuid AND attempt = ${attempt} AND status = 'RUNNING'
        RETURNING id, job_id
      ), attempt_row AS (
        UPDATE execution_attempts a
           SET outcome = ${attemptOutcome}::"AttemptOutcome", finished_at = ${now}, error = ${error}::jsonb,
               retry_delay_ms = ${retryDelayMs}::int,
               duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamptz - a.started_at)) * 1000)::int)
          FROM finished f
         WHERE a.execution_id = f.id AND a.attempt = ${attempt}
      ), job_row AS (
        UPDATE jobs SET status = ${outcome.status}::"ExecutionStatus", updated_at = ${now}
          FROM finished f WHERE jobs.id = f.job_id
      )
      SELECT id FROM finished`;
    return rows.length > 0;
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

import {
  type AttemptOutcome,
  type ExecutionDispatch,
  ExecutionStatus,
  type ExecutionStatus as Status,
  toStorableJson,
} from '@meridian/domain';

import { GroupCommit } from './group-commit.js';
import { appendAuditEntries, type AuditOf } from './internal/audit-entries.js';
import { resetForRetry } from './internal/dependency-graph.js';
import { DISPATCH_COLUMNS, type DispatchRow, toDispatch } from './internal/dispatch-row.js';
import {
  assertAttemptEnd,
  type AttemptEnd,
  type AttemptResult,
  type AttemptStart,
  cancelExecutions,
  finishAttempts,
  parkAttempt,
  releaseAttempt,
  startAttempts,
  unparkAttempt,
} from './internal/execution-transitions.js';
import { findJobsWithLatestExecution } from './internal/job-reads.js';
import { toAttemptRecord, toExecutionRecord } from './internal/mappers.js';
import { decodeAttemptCursor, decodeCursor, encodeAttemptCursor, toPage } from './internal/pagination.js';
import type { Database } from './postgres.js';
import type { AttemptRecord, CancelledExecution, ExecutionRecord, JobWithLatestExecution, Page } from './records.js';
import { type SqlClient, statementsIn } from './sql-client.js';

/** Attempts shown with an execution when the request does not say. */
export const ATTEMPTS_PAGE_DEFAULT = 20;
/** Most attempts shown with an execution at once. */
export const ATTEMPTS_PAGE_MAX = 100;

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
  /**
   * Whether this delivery resumes an attempt that was parked waiting for its children (the same
   * attempt goes on) rather than starting a new one.
   */
  resumed: boolean;
}

/** An execution that should be in BullMQ right now, with what it takes to enqueue it again. */
export interface LiveExecution {
  status: Status;
  dispatch: ExecutionDispatch;
}

const json = (value: unknown) => (value === undefined ? null : toStorableJson(value));

const byExecutionId = <T extends { executionId: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => (a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0));

/**
 * Executions as the API and the worker see them: reads, and the worker's attempt starts and ends,
 * batched by group commit. Like every repository, it creates executions and moves their status
 * only through internal/execution-transitions.ts, whose guards come from the state machine (its
 * spec fails on such a write anywhere else in libs/db). Other columns are written elsewhere too:
 * `dependents_notified` by DependencyRepository.settle, and a job's delete removes its executions.
 */
export class ExecutionRepository {
  /** Attempt starts and ends of concurrent deliveries share statements and commits (group commit). */
  private readonly starts: GroupCommit<AttemptStart, StartedAttempt | null>;
  private readonly finishes: GroupCommit<AttemptEnd, FinishedAttempt | null>;

  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {
    this.starts = new GroupCommit((items) => this.writeStarts(items));
    this.finishes = new GroupCommit((items) => this.writeFinishes(items));
  }

  /**
   * The execution with one page of its attempts, oldest first: `limit` of them after the cursor
   * (the first page without one), and the cursor of the next page, or null after the last.
   */
  async findById(
    namespace: string,
    id: string,
    page: { cursor?: string | undefined; limit?: number } = {},
  ): Promise<(ExecutionRecord & { attempts: AttemptRecord[]; attemptsNextCursor: string | null }) | null> {
    const after = decodeAttemptCursor(page.cursor, 'query.attemptsCursor');
    const limit = page.limit ?? ATTEMPTS_PAGE_DEFAULT;
    const row = await this.db.execution.findFirst({
      where: { id, namespace },
      include: { attempts: { where: { attempt: { gt: after } }, orderBy: { attempt: 'asc' }, take: limit + 1 } },
    });
    if (row === null) {
      return null;
    }
    const attempts = row.attempts.slice(0, limit).map(toAttemptRecord);
    const last = attempts.at(-1);
    return {
      ...toExecutionRecord(row),
      attempts,
      attemptsNextCursor: row.attempts.length > limit && last !== undefined ? encodeAttemptCursor(last.attempt) : null,
    };
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
   * Served by the partial index of unfinished executions (`finished_at IS NULL`). `running: false`
   * leaves out the RUNNING ones (after a Redis loss, a running attempt's worker records its end
   * itself), except parked ones: no worker holds a parent waiting for its children.
   */
  async findLive(
    updatedBefore: Date,
    afterId: string | null,
    limit: number,
    { running = true }: { running?: boolean } = {},
  ): Promise<LiveExecution[]> {
    const rows = await this.db.$queryRaw<(DispatchRow & { status: Status })[]>`
      SELECT e.status, ${DISPATCH_COLUMNS}
        FROM executions e
        JOIN jobs j ON j.id = e.job_id
       WHERE e.finished_at IS NULL AND e.status IN ('QUEUED', 'RETRYING', 'RUNNING')
         AND (${running}::boolean OR e.status <> 'RUNNING' OR e.parked_at IS NOT NULL)
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
    assertAttemptEnd(outcome.status);
    return this.finishes.submit({ executionId, attempt, outcome, now });
  }

  /**
   * Marks attempt `attempt` of a RUNNING execution as waiting for the children its handler started;
   * false when the attempt is no longer the execution's running one (cancelled meanwhile).
   */
  park(executionId: string, attempt: number, now: Date): Promise<boolean> {
    return parkAttempt(this.sql, executionId, attempt, now);
  }

  /** Clears the mark of {@link park} as the handler is invoked again; false when the attempt moved on. */
  unpark(executionId: string, attempt: number): Promise<boolean> {
    return unparkAttempt(this.sql, executionId, attempt);
  }

  /** Resolves once every attempt start and end submitted so far is committed or failed. */
  async drain(): Promise<void> {
    await Promise.all([this.starts.drain(), this.finishes.drain()]);
  }

  private async writeStarts(items: AttemptStart[]): Promise<(StartedAttempt | null)[]> {
    // One delivery per execution per batch: a second (a redelivery racing its twin) gets null and
    // drops, as it would if it came a moment later and found the execution RUNNING.
    const unique = byExecutionId([...new Map(items.map((item) => [item.executionId, item])).values()]);
    const rows = await startAttempts(this.sql, unique);
    const started = new Map(rows.map((row) => [row.id, row]));
    return items.map((item) => {
      const row = started.get(item.executionId);
      if (row === undefined) {
        return null;
      }
      started.delete(item.executionId);
      return { executionId: row.id, attempt: row.attempt, countedAttempt: row.counted_attempt, resumed: row.resumed };
    });
  }

  private async writeFinishes(items: AttemptEnd[]): Promise<(FinishedAttempt | null)[]> {
    const rows = await finishAttempts(this.sql, byExecutionId(items));
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
    return releaseAttempt(this.db, executionId, attempt, now);
  }

  /**
   * Runs a DEAD or CANCELLED execution again, as a new execution of its job (the job's latest; a
   * one-off job, outside a cancelled workflow). Jobs downstream that were skipped or cancelled
   * because of it wait again, so retrying a failed job resumes its workflow from there.
   * Locks the job row. Returns the new execution's id, or why there is none. `audit` makes the
   * entry from the new execution, written in the same transaction.
   */
  async retry(
    namespace: string,
    executionId: string,
    now: Date,
    audit?: AuditOf<ExecutionRecord>,
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
      if (audit !== undefined) {
        const created = toExecutionRecord(await tx.execution.findUniqueOrThrow({ where: { id: retried } }));
        await appendAuditEntries(statementsIn(tx), [audit(created)], now);
      }
      return { executionId: retried };
    });
  }

  /**
   * Cancels every execution of a job that has not finished; see {@link cancelExecutions}. When it
   * cancelled any, `audit.entry` makes the entry from the job (of `audit.namespace`) as the cancel
   * left it, read and written in the same transaction.
   */
  async cancelByJob(
    jobId: string,
    now: Date,
    audit?: { namespace: string; entry: AuditOf<JobWithLatestExecution> },
  ): Promise<CancelledExecution[]> {
    const cancelled =
      audit === undefined
        ? await cancelExecutions(this.sql, { jobId }, now)
        : await this.sql.transaction(async (tx) => {
            const rows = await cancelExecutions(tx, { jobId }, now);
            const [after] = rows.length === 0 ? [] : await findJobsWithLatestExecution(tx, audit.namespace, [jobId]);
            if (after !== undefined) {
              await appendAuditEntries(tx, [audit.entry(after)], now);
            }
            return rows;
          });
    return cancelled.map(({ id, previousStatus }) => ({ id, previousStatus }));
  }
}

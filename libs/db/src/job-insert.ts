import { type CatchUpPolicy, ExecutionStatus, type JobSpec, type OverlapPolicy } from '@meridian/domain';

import { auditColumns, type AuditRow, insertAuditRowsSql } from './audit-entries.js';
import { FIRST_EXECUTIONS_CTE, NEW_JOB_STATUS_SQL, RUNNABLE_FIRST_EXECUTION_SQL } from './execution-transitions.js';
import type { ExecutionRecord, JobRecord } from './records.js';
import { storedRecurrencePolicies } from './records.js';
import type { SqlTransaction, Statement } from './sql-client.js';

/**
 * A one-off job: stored with its first execution, which the outbox relay enqueues; or, for a job
 * with dependencies (`blockedOn`), which waits BLOCKED until they have ended.
 */
export interface NewOneOffJob {
  kind: 'one_off';
  jobId: string;
  executionId: string;
  namespace: string;
  spec: JobSpec;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** The workflow the job belongs to, with its key there. */
  workflow?: { id: string; key: string };
  /**
   * Dependencies not yet ended: the first execution waits BLOCKED (even at 0, for the caller to
   * release it in the same transaction, once the edges are stored).
   */
  blockedOn?: number;
}

/** A recurring job: its validated schedule request, policies and first nominal time; no execution yet. */
export interface NewRecurringJob {
  kind: 'recurring';
  jobId: string;
  namespace: string;
  spec: JobSpec;
  schedule: unknown;
  firstRunAt: Date | null;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export type NewJob = NewOneOffJob | NewRecurringJob;

/**
 * A job to insert, with the instant it is created at and, for a create made through the API, its
 * audit entry (whose target is the job): inserted by the same statement, and only if the job is.
 */
export type TimedNewJob = NewJob & { createdAt: Date; audit?: AuditRow | undefined };

/** A stored job with its first execution (null for a recurring job); null when its key was taken. */
export type InsertedJob = { job: JobRecord; execution: ExecutionRecord | null } | null;

/**
 * Inserts jobs, the first execution of each one-off job, and their outbox rows (ENQUEUE_EXECUTION
 * for an execution, ARM_SCHEDULE for a recurring job), in one statement: atomic without an explicit
 * transaction, and one round trip however many jobs.
 *
 * Inputs: one array per column ($1–$30), aligned by job; then the audit rows of the creates
 * ($31–$40, see insertAuditRowsSql), each targeting its job. Output: the ids of the jobs
 * inserted. A job whose (namespace, idempotency key) is taken — by an earlier job or by an earlier
 * row of the same statement — is not inserted (ON CONFLICT DO NOTHING), nor are its execution,
 * outbox row and audit row (a replayed create is no change). Locks: the new rows only. The outbox trigger NOTIFYs the relay once per statement.
 * The executions and the jobs' status come from execution-transitions.ts (FIRST_EXECUTIONS_CTE).
 */
const INSERT_JOBS: Statement = {
  name: 'meridian_insert_jobs',
  text: `
    WITH input AS (
      SELECT *
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
                    $9::timestamptz[], $10::int[], $11::text[], $12::int[], $13::int[], $14::float8[], $15::int[],
                    $16::text[], $17::text[], $18::timestamptz[], $19::text[], $20::text[], $21::timestamptz[],
                    $22::text[], $23::text[], $24::int[], $25::int[], $26::timestamptz[], $27::uuid[], $28::text[],
                    $29::int[], $30::boolean[])
          AS t(job_id, execution_id, namespace, name, handler, payload, queue, priority, run_at, max_attempts,
               backoff_type, backoff_delay_ms, backoff_max_delay_ms, backoff_jitter, timeout_ms, idempotency_key,
               request_hash, scheduled_for, schedule, schedule_state, next_run_at, overlap_policy, catch_up_policy,
               catch_up_window_ms, catch_up_max, created_at, workflow_id, workflow_key, dependencies_remaining,
               blocked)
    ), job AS (
      INSERT INTO jobs (id, namespace, name, handler, payload, queue, priority, run_at, max_attempts, backoff_type,
                        backoff_delay_ms, backoff_max_delay_ms, backoff_jitter, timeout_ms, idempotency_key,
                        request_hash, status, schedule, schedule_state, next_run_at, overlap_policy, catch_up_policy,
                        catch_up_window_ms, catch_up_max, workflow_id, workflow_key, dependencies_remaining,
                        created_at, updated_at)
      SELECT job_id, namespace, name, handler, payload::jsonb, queue, priority, run_at, max_attempts,
             backoff_type::"BackoffType", backoff_delay_ms, backoff_max_delay_ms, backoff_jitter, timeout_ms,
             idempotency_key, request_hash, ${NEW_JOB_STATUS_SQL}, schedule::jsonb, schedule_state::"ScheduleState", next_run_at,
             overlap_policy::"OverlapPolicy", catch_up_policy::"CatchUpPolicy", catch_up_window_ms, catch_up_max,
             workflow_id, workflow_key, dependencies_remaining, created_at, created_at
        FROM input
      ON CONFLICT (namespace, idempotency_key) DO NOTHING
      RETURNING id
    ), ${FIRST_EXECUTIONS_CTE}, outbox_row AS (
      INSERT INTO outbox (kind, execution_id, job_id, created_at)
      SELECT 'ENQUEUE_EXECUTION'::"OutboxKind", id, NULL::uuid, created_at FROM execution
       WHERE ${RUNNABLE_FIRST_EXECUTION_SQL}
       UNION ALL
      SELECT 'ARM_SCHEDULE'::"OutboxKind", NULL::uuid, i.job_id, i.created_at
        FROM input i JOIN job ON job.id = i.job_id WHERE i.execution_id IS NULL
    ), audit AS (${insertAuditRowsSql(31, 'WHERE a.target_id IN (SELECT id::text FROM job)')}
    )
    SELECT id FROM job`,
};

/** Anything that runs a statement: the pool, or a transaction's connection. */
export type StatementRunner = Pick<SqlTransaction, 'query'>;

/**
 * Stores `jobs` (see {@link INSERT_JOBS}); returns each job's records in input order, or null if
 * its key was taken. Payloads must have passed `assertStorableJson`: this runs for many callers at
 * once, and one caller's bad payload must not fail the others.
 */
export async function insertJobs(runner: StatementRunner, jobs: readonly TimedNewJob[]): Promise<InsertedJob[]> {
  const columns = Array.from({ length: 30 }, (): unknown[] => []);
  for (const job of jobs) {
    const { spec } = job;
    const recurring = job.kind === 'recurring' ? job : null;
    const oneOff = job.kind === 'one_off' ? job : null;
    const policies = recurring === null ? null : storedRecurrencePolicies(recurring);
    const values: unknown[] = [
      job.jobId,
      job.kind === 'one_off' ? job.executionId : null,
      job.namespace,
      spec.name,
      spec.handler,
      JSON.stringify(spec.payload ?? null),
      spec.queue,
      spec.priority,
      recurring === null ? spec.runAt : null,
      spec.retry.maxAttempts,
      spec.retry.backoffType,
      spec.retry.backoffDelayMs,
      spec.retry.backoffMaxDelayMs,
      spec.retry.backoffJitter,
      spec.timeoutMs,
      job.idempotencyKey,
      job.requestHash,
      spec.scheduledFor,
      recurring === null ? null : JSON.stringify(recurring.schedule),
      recurring === null ? null : recurring.firstRunAt === null ? 'COMPLETED' : 'ACTIVE',
      recurring?.firstRunAt ?? null,
      policies?.overlapPolicy ?? null,
      policies?.catchUpPolicy ?? null,
      policies?.catchUpWindowMs ?? null,
      policies?.catchUpMax ?? null,
      job.createdAt,
      oneOff?.workflow?.id ?? null,
      oneOff?.workflow?.key ?? null,
      oneOff?.blockedOn ?? 0,
      oneOff?.blockedOn !== undefined,
    ];
    values.forEach((value, index) => columns[index]?.push(value));
  }
  const audit = auditColumns(jobs.flatMap((job) => job.audit ?? []));
  const rows = await runner.query<{ id: string }>(INSERT_JOBS, [...columns, ...audit]);
  const inserted = new Set(rows.map((row) => row.id));
  return jobs.map((job) => (inserted.has(job.jobId) ? insertedRecords(job, job.createdAt) : null));
}

/** The records of a job as inserted at `now`, as a read would return them. */
export function insertedRecords(input: NewJob, now: Date): { job: JobRecord; execution: ExecutionRecord | null } {
  const { spec } = input;
  const status =
    input.kind === 'one_off' && input.blockedOn !== undefined ? ExecutionStatus.Blocked : ExecutionStatus.Pending;
  const job: JobRecord = {
    id: input.jobId,
    namespace: input.namespace,
    name: spec.name,
    handler: spec.handler,
    payload: spec.payload ?? null,
    queue: spec.queue,
    priority: spec.priority,
    runAt: input.kind === 'one_off' ? spec.runAt : null,
    retry: spec.retry,
    timeoutMs: spec.timeoutMs,
    idempotencyKey: input.idempotencyKey,
    requestHash: input.requestHash,
    status,
    recurrence:
      input.kind === 'one_off'
        ? null
        : {
            schedule: input.schedule,
            state: input.firstRunAt === null ? 'COMPLETED' : 'ACTIVE',
            pausedUntil: null,
            pauseNote: null,
            nextRunAt: input.firstRunAt,
            occurrenceCount: 0,
            overlap: input.overlap,
            catchUp: input.catchUp,
          },
    createdAt: now,
    updatedAt: now,
  };
  if (input.kind === 'recurring') {
    return { job, execution: null };
  }
  return {
    job,
    execution: {
      id: input.executionId,
      jobId: input.jobId,
      namespace: input.namespace,
      status,
      attempt: 0,
      scheduledFor: spec.scheduledFor,
      nominalTime: null,
      queuedAt: null,
      startedAt: null,
      finishedAt: null,
      nextAttemptAt: null,
      workerId: null,
      result: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    },
  };
}

import {
  type CatchUpPolicy,
  type ChildFailurePolicy,
  ExecutionStatus,
  type JobSpec,
  type OverlapPolicy,
} from '@meridian/domain';

import type { ExecutionRecord, JobRecord, RecurringSchedule } from '../records.js';
import { storedRecurrencePolicies } from '../records.js';
import type { Statement, StatementRunner } from '../sql-client.js';
import { auditColumns, type AuditRow, insertAuditRowsSql } from './audit-entries.js';
import { FIRST_EXECUTIONS_CTE, NEW_JOB_STATUS_SQL, RUNNABLE_FIRST_EXECUTION_SQL } from './execution-transitions.js';

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
  /** The create's W3C traceparent, stored with the execution while tracing is on. @defaultValue null */
  traceParent?: string | null;
  /**
   * For a child job started by a running handler: where it comes from. Its first execution is
   * created QUEUED, without an outbox row: the parent's worker enqueues it right after the commit.
   */
  child?: NewChildOf;
}

/** A child job's parent execution, its step and index there, and the policy for a failed child. */
export interface NewChildOf {
  parentJobId: string;
  parentExecutionId: string;
  step: string;
  index: number;
  onChildFailure: ChildFailurePolicy;
}

/** A recurring job: its schedule, policies and first nominal time; no execution yet. */
export interface NewRecurringJob {
  kind: 'recurring';
  jobId: string;
  namespace: string;
  spec: JobSpec;
  schedule: RecurringSchedule;
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
 * The job insert's input, one array parameter per column ($1, $2, … in this order), aligned by job:
 * each column's Postgres type, and the `jobs` column it is stored in (`into`, with its `cast`);
 * the others (the first execution's id, when it runs, whether it waits) are for the execution.
 * The one list of the job insert's columns: the statement's parameters, its `input` rows and its
 * INSERT are all built from it.
 */
const INPUT_COLUMNS = {
  job_id: { type: 'uuid', into: 'id' },
  execution_id: { type: 'uuid' },
  namespace: { type: 'text', into: 'namespace' },
  name: { type: 'text', into: 'name' },
  handler: { type: 'text', into: 'handler' },
  payload: { type: 'text', into: 'payload', cast: 'jsonb' },
  queue: { type: 'text', into: 'queue' },
  priority: { type: 'int', into: 'priority' },
  run_at: { type: 'timestamptz', into: 'run_at' },
  max_attempts: { type: 'int', into: 'max_attempts' },
  backoff_type: { type: 'text', into: 'backoff_type', cast: '"BackoffType"' },
  backoff_delay_ms: { type: 'int', into: 'backoff_delay_ms' },
  backoff_max_delay_ms: { type: 'int', into: 'backoff_max_delay_ms' },
  backoff_jitter: { type: 'float8', into: 'backoff_jitter' },
  timeout_ms: { type: 'int', into: 'timeout_ms' },
  idempotency_key: { type: 'text', into: 'idempotency_key' },
  request_hash: { type: 'text', into: 'request_hash' },
  scheduled_for: { type: 'timestamptz' },
  schedule: { type: 'text', into: 'schedule', cast: 'jsonb' },
  schedule_state: { type: 'text', into: 'schedule_state', cast: '"ScheduleState"' },
  next_run_at: { type: 'timestamptz', into: 'next_run_at' },
  overlap_policy: { type: 'text', into: 'overlap_policy', cast: '"OverlapPolicy"' },
  catch_up_policy: { type: 'text', into: 'catch_up_policy', cast: '"CatchUpPolicy"' },
  catch_up_window_ms: { type: 'int', into: 'catch_up_window_ms' },
  catch_up_max: { type: 'int', into: 'catch_up_max' },
  created_at: { type: 'timestamptz', into: 'created_at' },
  workflow_id: { type: 'uuid', into: 'workflow_id' },
  workflow_key: { type: 'text', into: 'workflow_key' },
  dependencies_remaining: { type: 'int', into: 'dependencies_remaining' },
  blocked: { type: 'boolean' },
  trace_parent: { type: 'text' },
  queued: { type: 'boolean' },
  parent_job_id: { type: 'uuid', into: 'parent_job_id' },
  parent_execution_id: { type: 'uuid', into: 'parent_execution_id' },
  child_step: { type: 'text', into: 'child_step' },
  child_index: { type: 'int', into: 'child_index' },
  child_failure_policy: { type: 'text', into: 'child_failure_policy', cast: '"ChildFailurePolicy"' },
} as const satisfies Record<string, { type: string; into?: string; cast?: string }>;

type InputColumn = keyof typeof INPUT_COLUMNS;
const inputColumns = Object.entries(INPUT_COLUMNS) as [InputColumn, { type: string; into?: string; cast?: string }][];
const storedColumns = inputColumns.flatMap(([name, { into, cast }]) =>
  into === undefined ? [] : [{ into, value: cast === undefined ? name : `${name}::${cast}` }],
);
/** The `jobs` columns not given by the input: the status, from the first execution, and the clock. */
const derivedColumns = [
  { into: 'status', value: NEW_JOB_STATUS_SQL },
  { into: 'updated_at', value: 'created_at' },
];

/**
 * Inserts jobs, the first execution of each one-off job, and their outbox rows (ENQUEUE_EXECUTION
 * for an execution, ARM_SCHEDULE for a recurring job), in one statement: atomic without an explicit
 * transaction, and one round trip however many jobs.
 *
 * Inputs: one array per column of {@link INPUT_COLUMNS} ($1–$37), aligned by job; then the audit
 * rows of the creates ($38–$47, see insertAuditRowsSql), each targeting its job. Output: the ids of
 * the jobs inserted. A job whose (namespace, idempotency key) is taken, or a child whose (parent
 * execution, step, index) is — by an earlier job or by an earlier row of the same statement — is not
 * inserted (ON CONFLICT DO NOTHING, every unique index an arbiter), nor are its execution, outbox
 * row and audit row (a replayed create, or a child started again, is no change). Locks: the new rows only.
 * The outbox trigger NOTIFYs the relay once per statement. The executions and the jobs' status come
 * from execution-transitions.ts (FIRST_EXECUTIONS_CTE).
 */
const INSERT_JOBS: Statement = {
  name: 'meridian_insert_jobs',
  text: `
    WITH input AS (
      SELECT *
        FROM unnest(${inputColumns.map(([, { type }], index) => `$${index + 1}::${type}[]`).join(', ')})
          AS t(${inputColumns.map(([name]) => name).join(', ')})
    ), job AS (
      INSERT INTO jobs (${[...storedColumns, ...derivedColumns].map((column) => column.into).join(', ')})
      SELECT ${[...storedColumns, ...derivedColumns].map((column) => column.value).join(', ')}
        FROM input
      ON CONFLICT DO NOTHING
      RETURNING id
    ), ${FIRST_EXECUTIONS_CTE}, outbox_row AS (
      INSERT INTO outbox (kind, execution_id, job_id, created_at)
      SELECT 'ENQUEUE_EXECUTION'::"OutboxKind", id, NULL::uuid, created_at FROM execution
       WHERE ${RUNNABLE_FIRST_EXECUTION_SQL}
       UNION ALL
      SELECT 'ARM_SCHEDULE'::"OutboxKind", NULL::uuid, i.job_id, i.created_at
        FROM input i JOIN job ON job.id = i.job_id WHERE i.execution_id IS NULL
    ), audit AS (${insertAuditRowsSql(inputColumns.length + 1, 'WHERE a.target_id IN (SELECT id::text FROM job)')}
    )
    SELECT id FROM job`,
};

/** The input row of `job`: the value of each of {@link INPUT_COLUMNS}. */
function inputRow(job: TimedNewJob): Record<InputColumn, unknown> {
  const { spec } = job;
  const recurring = job.kind === 'recurring' ? job : null;
  const oneOff = job.kind === 'one_off' ? job : null;
  const policies = recurring === null ? null : storedRecurrencePolicies(recurring);
  return {
    job_id: job.jobId,
    execution_id: oneOff?.executionId ?? null,
    namespace: job.namespace,
    name: spec.name,
    handler: spec.handler,
    payload: JSON.stringify(spec.payload ?? null),
    queue: spec.queue,
    priority: spec.priority,
    run_at: recurring === null ? spec.runAt : null,
    max_attempts: spec.retry.maxAttempts,
    backoff_type: spec.retry.backoffType,
    backoff_delay_ms: spec.retry.backoffDelayMs,
    backoff_max_delay_ms: spec.retry.backoffMaxDelayMs,
    backoff_jitter: spec.retry.backoffJitter,
    timeout_ms: spec.timeoutMs,
    idempotency_key: job.idempotencyKey,
    request_hash: job.requestHash,
    scheduled_for: spec.scheduledFor,
    schedule: recurring === null ? null : JSON.stringify(recurring.schedule.definition),
    schedule_state: recurring === null ? null : recurring.firstRunAt === null ? 'COMPLETED' : 'ACTIVE',
    next_run_at: recurring?.firstRunAt ?? null,
    overlap_policy: policies?.overlapPolicy ?? null,
    catch_up_policy: policies?.catchUpPolicy ?? null,
    catch_up_window_ms: policies?.catchUpWindowMs ?? null,
    catch_up_max: policies?.catchUpMax ?? null,
    created_at: job.createdAt,
    workflow_id: oneOff?.workflow?.id ?? null,
    workflow_key: oneOff?.workflow?.key ?? null,
    dependencies_remaining: oneOff?.blockedOn ?? 0,
    blocked: oneOff?.blockedOn !== undefined,
    trace_parent: oneOff?.traceParent ?? null,
    queued: oneOff?.child !== undefined,
    parent_job_id: oneOff?.child?.parentJobId ?? null,
    parent_execution_id: oneOff?.child?.parentExecutionId ?? null,
    child_step: oneOff?.child?.step ?? null,
    child_index: oneOff?.child?.index ?? null,
    child_failure_policy: oneOff?.child?.onChildFailure.toUpperCase() ?? null,
  };
}

/**
 * Stores `jobs` (see {@link INSERT_JOBS}); returns each job's records in input order, or null if
 * its key was taken. Payloads must have passed `assertStorableJson`: this runs for many callers at
 * once, and one caller's bad payload must not fail the others.
 */
export async function insertJobs(runner: StatementRunner, jobs: readonly TimedNewJob[]): Promise<InsertedJob[]> {
  const rows = jobs.map(inputRow);
  const columns = inputColumns.map(([name]) => rows.map((row) => row[name]));
  const audit = auditColumns(jobs.flatMap((job) => job.audit ?? []));
  const inserted = new Set(
    (await runner.query<{ id: string }>(INSERT_JOBS, [...columns, ...audit])).map((row) => row.id),
  );
  return jobs.map((job) => (inserted.has(job.jobId) ? insertedRecords(job, job.createdAt) : null));
}

/** The records of a job as inserted at `now`, as a read would return them. */
export function insertedRecords(input: NewJob, now: Date): { job: JobRecord; execution: ExecutionRecord | null } {
  const { spec } = input;
  const status =
    input.kind !== 'one_off'
      ? ExecutionStatus.Pending
      : input.blockedOn !== undefined
        ? ExecutionStatus.Blocked
        : input.child !== undefined
          ? ExecutionStatus.Queued
          : ExecutionStatus.Pending;
  const child = input.kind === 'one_off' ? input.child : undefined;
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
    parent:
      child === undefined
        ? null
        : { jobId: child.parentJobId, executionId: child.parentExecutionId, step: child.step, index: child.index },
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
      queuedAt: child === undefined ? null : now,
      startedAt: null,
      finishedAt: null,
      nextAttemptAt: null,
      workerId: null,
      result: null,
      lastError: null,
      parkedAt: null,
      createdAt: now,
      updatedAt: now,
    },
  };
}

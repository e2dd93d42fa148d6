import type { Execution, ExecutionAttempt, Job } from '../../generated/client/index.js';
import {
  type AttemptRecord,
  type ExecutionRecord,
  type JobRecord,
  recurrencePolicies,
  toRecurringSchedule,
} from '../records.js';

/**
 * Each field of Prisma's Job row with its column. Typed against the generated client, so a column
 * added to the schema fails the build here until plain-SQL reads select it too.
 */
const JOB_COLUMNS = {
  id: 'id',
  namespace: 'namespace',
  name: 'name',
  handler: 'handler',
  payload: 'payload',
  queue: 'queue',
  priority: 'priority',
  runAt: 'run_at',
  maxAttempts: 'max_attempts',
  backoffType: 'backoff_type',
  backoffDelayMs: 'backoff_delay_ms',
  backoffMaxDelayMs: 'backoff_max_delay_ms',
  backoffJitter: 'backoff_jitter',
  timeoutMs: 'timeout_ms',
  idempotencyKey: 'idempotency_key',
  requestHash: 'request_hash',
  status: 'status',
  schedule: 'schedule',
  scheduleState: 'schedule_state',
  nextRunAt: 'next_run_at',
  occurrenceCount: 'occurrence_count',
  overlapPolicy: 'overlap_policy',
  catchUpPolicy: 'catch_up_policy',
  catchUpWindowMs: 'catch_up_window_ms',
  catchUpMax: 'catch_up_max',
  pausedUntil: 'paused_until',
  pauseNote: 'pause_note',
  workflowId: 'workflow_id',
  workflowKey: 'workflow_key',
  dependenciesRemaining: 'dependencies_remaining',
  parentJobId: 'parent_job_id',
  parentExecutionId: 'parent_execution_id',
  childStep: 'child_step',
  childIndex: 'child_index',
  childFailurePolicy: 'child_failure_policy',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof Job, string>;

/** Each field of Prisma's Execution row with its column (see {@link JOB_COLUMNS}). */
const EXECUTION_COLUMNS = {
  id: 'id',
  jobId: 'job_id',
  namespace: 'namespace',
  status: 'status',
  attempt: 'attempt',
  scheduledFor: 'scheduled_for',
  nominalTime: 'nominal_time',
  queuedAt: 'queued_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  nextAttemptAt: 'next_attempt_at',
  workerId: 'worker_id',
  result: 'result',
  lastError: 'last_error',
  dependentsNotified: 'dependents_notified',
  traceParent: 'trace_parent',
  parkedAt: 'parked_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof Execution, string>;

const selectList = (columns: Record<string, string>, alias: string, prefix: string) =>
  Object.entries(columns)
    .map(([field, column]) => `${alias}.${column} AS "${prefix}${field}"`)
    .join(', ');

/**
 * A select list giving rows in the shape of Prisma's Job (`j` the jobs alias), so that plain-SQL
 * reads map through {@link toJobRecord} like Prisma's; pg returns the same JS types for each column.
 */
export const JOB_SELECT = (alias: string, prefix = '') => selectList(JOB_COLUMNS, alias, prefix);
/** The same for Prisma's Execution. */
export const EXECUTION_SELECT = (alias: string, prefix = '') => selectList(EXECUTION_COLUMNS, alias, prefix);

/** The fields of `row` whose names start with `prefix`, without it: one table's part of a joined row. */
export function fieldsWithPrefix(row: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).flatMap(([field, value]) =>
      field.startsWith(prefix) ? [[field.slice(prefix.length), value]] : [],
    ),
  );
}

export function toJobRecord(row: Job): JobRecord {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    handler: row.handler,
    payload: row.payload,
    queue: row.queue,
    priority: row.priority,
    runAt: row.runAt,
    retry: {
      maxAttempts: row.maxAttempts,
      backoffType: row.backoffType,
      backoffDelayMs: row.backoffDelayMs,
      backoffMaxDelayMs: row.backoffMaxDelayMs,
      backoffJitter: row.backoffJitter,
    },
    timeoutMs: row.timeoutMs,
    idempotencyKey: row.idempotencyKey,
    requestHash: row.requestHash,
    status: row.status,
    recurrence:
      row.scheduleState === null
        ? null
        : {
            schedule: toRecurringSchedule(row.schedule),
            state: row.scheduleState,
            pausedUntil: row.pausedUntil,
            pauseNote: row.pauseNote,
            nextRunAt: row.nextRunAt,
            occurrenceCount: row.occurrenceCount,
            ...recurrencePolicies({
              overlap: row.overlapPolicy,
              catchUp: row.catchUpPolicy,
              windowMs: row.catchUpWindowMs,
              max: row.catchUpMax,
            }),
          },
    parent:
      row.parentJobId === null || row.parentExecutionId === null || row.childStep === null || row.childIndex === null
        ? null
        : {
            jobId: row.parentJobId,
            executionId: row.parentExecutionId,
            step: row.childStep,
            index: row.childIndex,
          },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toExecutionRecord(row: Execution): ExecutionRecord {
  return {
    id: row.id,
    jobId: row.jobId,
    namespace: row.namespace,
    status: row.status,
    attempt: row.attempt,
    scheduledFor: row.scheduledFor,
    nominalTime: row.nominalTime,
    queuedAt: row.queuedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    nextAttemptAt: row.nextAttemptAt,
    workerId: row.workerId,
    result: row.result,
    lastError: row.lastError,
    parkedAt: row.parkedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toAttemptRecord(row: ExecutionAttempt): AttemptRecord {
  return {
    attempt: row.attempt,
    outcome: row.outcome,
    workerId: row.workerId,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    error: row.error,
    retryDelayMs: row.retryDelayMs,
  };
}

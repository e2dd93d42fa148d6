import type { BackoffType, ChildFailurePolicy, ExecutionDispatch } from '@meridian/domain';

import { Prisma } from '../../generated/client/index.js';

/** What an enqueue needs, selected from `executions e JOIN jobs j`. */
export interface DispatchRow {
  execution_id: string;
  job_id: string;
  namespace: string;
  scheduled_for: Date;
  nominal_time: Date | null;
  handler: string;
  payload: unknown;
  queue: string;
  priority: number;
  timeout_ms: number;
  max_attempts: number;
  backoff_type: BackoffType;
  backoff_delay_ms: number;
  backoff_max_delay_ms: number;
  backoff_jitter: number;
  has_dependencies: boolean;
  trace_parent: string | null;
  parent_execution_id: string | null;
  child_failure_policy: string | null;
}

export const DISPATCH_COLUMNS_SQL = `
  e.id AS execution_id, e.job_id, e.namespace, e.scheduled_for, e.nominal_time, e.trace_parent, j.handler, j.payload,
  j.queue, j.priority, j.timeout_ms, j.max_attempts, j.backoff_type, j.backoff_delay_ms, j.backoff_max_delay_ms, j.backoff_jitter,
  EXISTS (SELECT 1 FROM job_dependencies d WHERE d.job_id = j.id) AS has_dependencies,
  j.parent_execution_id, j.child_failure_policy`;
/** {@link DISPATCH_COLUMNS_SQL} as a fragment of a Prisma query. */
export const DISPATCH_COLUMNS = Prisma.raw(DISPATCH_COLUMNS_SQL);

export function toDispatch(row: DispatchRow): ExecutionDispatch {
  return {
    executionId: row.execution_id,
    jobId: row.job_id,
    namespace: row.namespace,
    handler: row.handler,
    payload: row.payload,
    queue: row.queue,
    priority: row.priority,
    timeoutMs: row.timeout_ms,
    scheduledFor: row.scheduled_for,
    nominalTime: row.nominal_time,
    hasDependencies: row.has_dependencies,
    traceParent: row.trace_parent,
    child:
      row.parent_execution_id === null || row.child_failure_policy === null
        ? null
        : {
            parentExecutionId: row.parent_execution_id,
            onChildFailure: row.child_failure_policy.toLowerCase() as ChildFailurePolicy,
          },
    retry: {
      maxAttempts: row.max_attempts,
      backoffType: row.backoff_type,
      backoffDelayMs: row.backoff_delay_ms,
      backoffMaxDelayMs: row.backoff_max_delay_ms,
      backoffJitter: row.backoff_jitter,
    },
  };
}

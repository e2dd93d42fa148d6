import type { RetryPolicy } from './backoff.js';
import type { ChildFailurePolicy } from './child-jobs.js';

/**
 * Everything a worker needs to run an execution, carried in the BullMQ job so the hot path reads no
 * row before starting. Postgres stays the authority: the worker's conditional start write refuses
 * an execution that was cancelled or finished meanwhile.
 */
export interface ExecutionDispatch {
  executionId: string;
  jobId: string;
  namespace: string;
  handler: string;
  payload: unknown;
  queue: string;
  priority: number;
  timeoutMs: number;
  retry: RetryPolicy;
  scheduledFor: Date;
  /** For an occurrence of a recurring job, its nominal time; null for a one-off job. */
  nominalTime: Date | null;
  /** Whether the job depends on others, whose results its handler then receives. */
  hasDependencies: boolean;
  /**
   * The W3C `traceparent` the execution's spans continue (the create's, then the relay's); absent
   * or null when tracing was off, so an untraced dispatch carries no extra bytes.
   */
  traceParent?: string | null;
  /**
   * For a child job: the parent's execution and the policy for a failed child, so that its end can
   * be carried to its siblings (fail_parent). Absent or null for a job that is not a child.
   */
  child?: { parentExecutionId: string; onChildFailure: ChildFailurePolicy } | null;
}

/**
 * The key a handler uses to make retries idempotent: stable across every attempt of an execution,
 * and for a recurring job derived from (job, nominal time), so even a re-created execution of the
 * same occurrence carries the same key.
 */
export function idempotencyKeyOf(dispatch: Pick<ExecutionDispatch, 'executionId' | 'jobId' | 'nominalTime'>): string {
  return dispatch.nominalTime === null
    ? dispatch.executionId
    : `${dispatch.jobId}:${dispatch.nominalTime.toISOString()}`;
}

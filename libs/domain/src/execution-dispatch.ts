import type { RetryPolicy } from './backoff.js';

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
}

import {
  type AttemptOutcome,
  DEFAULT_RECURRENCE_POLICY,
  type ExecutionStatus,
  type RetryPolicy,
} from '@meridian/domain';

/** A job as stored, with its policies in domain shape. */
export interface JobRecord {
  id: string;
  namespace: string;
  name: string;
  handler: string;
  payload: unknown;
  queue: string;
  priority: number;
  runAt: Date | null;
  retry: RetryPolicy;
  timeoutMs: number;
  idempotencyKey: string | null;
  requestHash: string | null;
  status: ExecutionStatus;
  /** Recurring jobs only: the validated schedule request and where it stands. */
  recurrence: {
    schedule: unknown;
    state: 'ACTIVE' | 'PAUSED' | 'COMPLETED';
    pausedUntil: Date | null;
    pauseNote: string | null;
    nextRunAt: Date | null;
    occurrenceCount: number;
    overlapPolicy: 'ALLOW' | 'SKIP';
    catchUpPolicy: 'SKIP' | 'LATEST' | 'ALL';
    catchUpWindowMs: number;
  } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExecutionRecord {
  id: string;
  jobId: string;
  namespace: string;
  status: ExecutionStatus;
  attempt: number;
  scheduledFor: Date;
  nominalTime: Date | null;
  queuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  nextAttemptAt: Date | null;
  workerId: string | null;
  result: unknown;
  lastError: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export interface AttemptRecord {
  attempt: number;
  outcome: AttemptOutcome;
  workerId: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  error: unknown;
  retryDelayMs: number | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Stored policies of a recurring job, with the documented defaults where a column is empty. */
export function recurrencePolicies(stored: {
  overlap: 'ALLOW' | 'SKIP' | null;
  catchUp: 'SKIP' | 'LATEST' | 'ALL' | null;
  windowMs: number | null;
}): { overlapPolicy: 'ALLOW' | 'SKIP'; catchUpPolicy: 'SKIP' | 'LATEST' | 'ALL'; catchUpWindowMs: number } {
  return {
    overlapPolicy: stored.overlap ?? 'SKIP',
    catchUpPolicy: stored.catchUp ?? 'SKIP',
    catchUpWindowMs: stored.windowMs ?? DEFAULT_RECURRENCE_POLICY.catchUp.windowMs,
  };
}

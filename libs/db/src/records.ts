import {
  type AttemptOutcome,
  type CatchUpPolicy,
  DEFAULT_RECURRENCE_POLICY,
  type ExecutionStatus,
  type OverlapPolicy,
  type RetryPolicy,
} from '@meridian/domain';
import { type ParsedSchedule, parseSchedule, type ScheduleRequest } from '@meridian/schedule';

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
  /** Recurring jobs only: the schedule and where it stands. */
  recurrence: {
    schedule: RecurringSchedule;
    state: 'ACTIVE' | 'PAUSED' | 'COMPLETED';
    pausedUntil: Date | null;
    pauseNote: string | null;
    nextRunAt: Date | null;
    occurrenceCount: number;
    overlap: OverlapPolicy;
    catchUp: CatchUpPolicy;
  } | null;
  /** A child job's parent: its job, the execution that started it, the step and the index there. */
  parent: ChildOf | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a child job comes from: see {@link JobRecord.parent}. */
export interface ChildOf {
  jobId: string;
  executionId: string;
  step: string;
  index: number;
}

/** A job with its latest execution (null before its first). */
export interface JobWithLatestExecution {
  job: JobRecord;
  latestExecution: ExecutionRecord | null;
}

/** A job with a schedule: its `recurrence` is set. */
export type RecurringJobRecord = JobRecord & { recurrence: NonNullable<JobRecord['recurrence']> };

/**
 * A recurring job's schedule: the request as the client gave it, which is what is stored and what
 * the API answers with, and the schedule it describes, parsed once where it enters or leaves
 * Postgres so that no caller parses it again.
 */
export interface RecurringSchedule extends ParsedSchedule {
  /** The schedule request as given at create time (or by the change that set it), unchanged. */
  definition: ScheduleRequest;
}

/**
 * A schedule request from a client, validated now: ValidationError (fields under `prefix`) when it
 * is not a valid schedule request.
 */
export function parseRecurringSchedule(definition: unknown, prefix?: string): RecurringSchedule {
  return { definition: definition as ScheduleRequest, ...parseSchedule(definition, prefix) };
}

/**
 * A stored schedule: `definition` as read from Postgres. The schedule is parsed on first use of
 * `schedule` or `jitterMs`, which throws ValidationError (fields under `prefix`) when it is not a
 * valid schedule request: reading or listing jobs never parses, so one stored schedule that a newer
 * cron library or time-zone database no longer accepts fails only what needs its occurrences.
 */
export function toRecurringSchedule(definition: unknown, prefix?: string): RecurringSchedule {
  let parsed: ParsedSchedule | undefined;
  const parse = (): ParsedSchedule => (parsed ??= parseSchedule(definition, prefix));
  return {
    definition: definition as ScheduleRequest,
    get schedule() {
      return parse().schedule;
    },
    get jitterMs() {
      return parse().jitterMs;
    },
  };
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
  /** Since when its running attempt waits for the children its handler started; null otherwise. */
  parkedAt: Date | null;
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

/** An execution Meridian cancelled, with the status it had (which says whether a worker runs it). */
export interface CancelledExecution {
  id: string;
  previousStatus: ExecutionStatus;
}

/** Executions Meridian cancelled in one queue, for the caller to tell Redis. */
export interface CancelledExecutions {
  queue: string;
  executions: CancelledExecution[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The policy columns of a recurring job as Postgres holds them (enum values in upper case). */
export interface StoredRecurrencePolicies {
  overlap: StoredOverlapPolicy | null;
  catchUp: 'SKIP' | 'LATEST' | 'ALL' | null;
  windowMs: number | null;
  max: number | null;
}
export type StoredOverlapPolicy = Uppercase<OverlapPolicy>;

/** Stored policies of a recurring job, with the documented defaults where a column is empty. */
export function recurrencePolicies(stored: StoredRecurrencePolicies): {
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
} {
  const defaults = DEFAULT_RECURRENCE_POLICY;
  return {
    overlap: stored.overlap === null ? defaults.overlap : (stored.overlap.toLowerCase() as OverlapPolicy),
    catchUp: {
      policy:
        stored.catchUp === null ? defaults.catchUp.policy : (stored.catchUp.toLowerCase() as CatchUpPolicy['policy']),
      windowMs: stored.windowMs ?? defaults.catchUp.windowMs,
      max: stored.max ?? defaults.catchUp.max,
    },
  };
}

/** The columns a recurring job's policies are stored in. */
export function storedRecurrencePolicies(policies: { overlap?: OverlapPolicy; catchUp?: CatchUpPolicy }) {
  return {
    ...(policies.overlap === undefined ? {} : { overlapPolicy: policies.overlap.toUpperCase() as StoredOverlapPolicy }),
    ...(policies.catchUp === undefined
      ? {}
      : {
          catchUpPolicy: policies.catchUp.policy.toUpperCase() as Uppercase<CatchUpPolicy['policy']>,
          catchUpWindowMs: policies.catchUp.windowMs,
          catchUpMax: policies.catchUp.max,
        }),
  };
}

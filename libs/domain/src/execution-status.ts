/**
 * Lifecycle of one execution (one run of a job). Retries are attempts inside an execution; a
 * timed-out attempt is recorded on the attempt and counts as a failure.
 */
export const ExecutionStatus = {
  /** Waits for its dependencies to end; released to PENDING, or SKIPPED. */
  Blocked: 'BLOCKED',
  Pending: 'PENDING',
  Queued: 'QUEUED',
  Running: 'RUNNING',
  Retrying: 'RETRYING',
  Succeeded: 'SUCCEEDED',
  Dead: 'DEAD',
  Cancelled: 'CANCELLED',
  Skipped: 'SKIPPED',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = Object.values(ExecutionStatus);

const TERMINAL: ReadonlySet<ExecutionStatus> = new Set([
  ExecutionStatus.Succeeded,
  ExecutionStatus.Dead,
  ExecutionStatus.Cancelled,
  ExecutionStatus.Skipped,
]);

export function isTerminal(status: ExecutionStatus): boolean {
  return TERMINAL.has(status);
}

/** How one attempt of an execution ended. */
export const AttemptOutcome = {
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Cancelled: 'CANCELLED',
  /** The worker went away (crash or shutdown) before the attempt ended; the execution is redelivered. */
  Interrupted: 'INTERRUPTED',
} as const;
export type AttemptOutcome = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

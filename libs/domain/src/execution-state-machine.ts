import { IllegalTransitionError } from './errors.js';
import { ExecutionStatus } from './execution-status.js';

const S = ExecutionStatus;

/**
 * The only definition of which execution transitions are legal. Repositories turn it into
 * `WHERE status IN (...)` guards, so an illegal or stale write changes no row instead of being
 * silently applied.
 */
const TRANSITIONS: Readonly<Record<ExecutionStatus, readonly ExecutionStatus[]>> = {
  // Released once every dependency has ended: to run, or skipped when a dependency failed.
  [S.Blocked]: [S.Pending, S.Skipped, S.Cancelled],
  [S.Pending]: [
    S.Queued,
    // The relay's enqueue reached BullMQ but its commit did not (yet): the worker that already
    // holds the job may start it rather than drop it.
    S.Running,
    S.Cancelled,
  ],
  [S.Queued]: [S.Running, S.Cancelled],
  // RUNNING -> RUNNING is a redelivery after the previous worker was lost: a new attempt begins.
  [S.Running]: [S.Running, S.Succeeded, S.Retrying, S.Dead, S.Cancelled, S.Queued],
  [S.Retrying]: [S.Running, S.Cancelled],
  [S.Succeeded]: [],
  [S.Dead]: [],
  [S.Cancelled]: [],
  [S.Skipped]: [],
};

/**
 * The statuses an execution is created in: BLOCKED while it waits for its dependencies, PENDING when
 * it may run at once (the outbox relay enqueues it), QUEUED for a child job, which the worker running
 * its parent enqueues itself right after the commit (the reconciler re-enqueues one it did not).
 * Every other status is reached only through a transition.
 */
const INITIAL: readonly ExecutionStatus[] = [S.Blocked, S.Pending, S.Queued];

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: ExecutionStatus, to: ExecutionStatus): void {
  if (!canTransition(from, to)) {
    throw new IllegalTransitionError(from, to);
  }
}

export function isInitial(status: ExecutionStatus): boolean {
  return INITIAL.includes(status);
}

/** Refuses to create an execution in `status` unless it is an initial status. */
export function assertInitial(status: ExecutionStatus): void {
  if (!isInitial(status)) {
    throw new IllegalTransitionError('nothing', status);
  }
}

/** Every status from which `to` may be entered: the guard of a conditional state write. */
export function sourcesOf(to: ExecutionStatus): ExecutionStatus[] {
  return (Object.keys(TRANSITIONS) as ExecutionStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}

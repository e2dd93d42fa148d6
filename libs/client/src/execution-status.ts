import type { ExecutionStatus } from './api-types.js';

/**
 * Whether an execution in each status has ended: no attempt runs or will run unless someone retries
 * it. Keyed by the document's status enum, so a status the API adds fails to compile here until it
 * is classified; a spec checks the classification against the server's own (`isTerminal`).
 */
const ENDED: Readonly<Record<ExecutionStatus, boolean>> = {
  BLOCKED: false,
  PENDING: false,
  QUEUED: false,
  RUNNING: false,
  RETRYING: false,
  SUCCEEDED: true,
  DEAD: true,
  CANCELLED: true,
  SKIPPED: true,
};

/** Every status of an execution, in the order of its life: what a status filter may name. */
export const ALL_EXECUTION_STATUSES: readonly ExecutionStatus[] = Object.keys(ENDED) as ExecutionStatus[];

/** The statuses an execution ends in: SUCCEEDED, DEAD (every attempt failed), CANCELLED, SKIPPED. */
export const ENDED_EXECUTION_STATUSES: readonly ExecutionStatus[] = ALL_EXECUTION_STATUSES.filter(
  (status) => ENDED[status],
);

export function isEndedStatus(status: ExecutionStatus): boolean {
  return ENDED[status];
}

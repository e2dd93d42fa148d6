import { EXECUTION_STATUSES, type ExecutionStatus as Status, isTerminal } from '@meridian/domain';

import type { CancelledExecutions } from '../records.js';
import type { CancelledInQueue } from './execution-transitions.js';
import { groupBy } from './group-by.js';

/** Statuses of an execution that has not ended: it is waiting, queued, running or retrying. */
export const UNFINISHED_STATUSES: Status[] = EXECUTION_STATUSES.filter((status) => !isTerminal(status));

/** Statuses of an execution that has ended, whose end its dependents count. */
export const ENDED_STATUSES: Status[] = EXECUTION_STATUSES.filter(isTerminal);

/** The cancelled executions grouped by queue. */
export function byQueue(cancelled: readonly CancelledInQueue[]): CancelledExecutions[] {
  return [...groupBy(cancelled, (execution) => execution.queue)].map(([queue, executions]) => ({
    queue,
    executions: executions.map(({ id, previousStatus }) => ({ id, previousStatus })),
  }));
}

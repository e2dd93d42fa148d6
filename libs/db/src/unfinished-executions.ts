import { ExecutionStatus, type ExecutionStatus as Status, sourcesOf } from '@meridian/domain';

import { Prisma } from '../generated/client/index.js';
import { groupBy } from './group-by.js';

/** Statuses of an execution that has not ended: it is waiting, queued, running or retrying. */
export const UNFINISHED_STATUSES: Status[] = [
  ExecutionStatus.Blocked,
  ExecutionStatus.Pending,
  ExecutionStatus.Queued,
  ExecutionStatus.Running,
  ExecutionStatus.Retrying,
];

export interface CancelledExecution {
  id: string;
  previousStatus: Status;
}

/** Why executions were cancelled by Meridian rather than by a user, stored as their `lastError`. */
export interface CancelReason {
  code: string;
  message: string;
}

/** Whose executions to cancel: one job's, or a workflow's (optionally only those in `statuses`). */
export type CancelScope = { jobId: string } | { workflowId: string; statuses?: Status[] };

/** A cancelled execution with the queue of its job, for the caller to tell Redis. */
export interface CancelledInQueue extends CancelledExecution {
  queue: string;
}

/**
 * Cancels the executions in `scope` that have not ended (or, for a workflow, those in the given
 * statuses), in the caller's transaction or alone, and marks their jobs CANCELLED.
 *
 * Output: the cancelled executions with the status each had and their queue, so the caller knows
 * which to remove from the queue and which running attempt to signal. Locks: those execution rows.
 */
export async function cancelExecutions(
  client: Pick<Prisma.TransactionClient, '$queryRaw'>,
  scope: CancelScope,
  now: Date,
  reason: CancelReason | null = null,
): Promise<CancelledInQueue[]> {
  const statuses = ('statuses' in scope ? scope.statuses : undefined) ?? sourcesOf(ExecutionStatus.Cancelled);
  const lastError = reason === null ? null : JSON.stringify(reason);
  const where =
    'jobId' in scope
      ? Prisma.sql`e.job_id = ${scope.jobId}::uuid`
      : Prisma.sql`j.workflow_id = ${scope.workflowId}::uuid`;
  const rows = await client.$queryRaw<{ id: string; previous_status: Status; queue: string }[]>`
    WITH target AS (
      SELECT e.id, e.status, j.queue FROM executions e JOIN jobs j ON j.id = e.job_id
       WHERE ${where} AND e.status = ANY(${statuses}::"ExecutionStatus"[])
       FOR UPDATE OF e
    ), cancelled AS (
      UPDATE executions e
         SET status = 'CANCELLED', finished_at = ${now}, next_attempt_at = NULL, updated_at = ${now},
             last_error = COALESCE(${lastError}::jsonb, e.last_error)
        FROM target t WHERE e.id = t.id
      RETURNING e.id, e.job_id, t.status AS previous_status, t.queue
    ), job_row AS (
      UPDATE jobs SET status = 'CANCELLED', updated_at = ${now} FROM (SELECT DISTINCT job_id FROM cancelled) c
       WHERE jobs.id = c.job_id
    )
    SELECT id, previous_status, queue FROM cancelled`;
  return rows.map((row) => ({ id: row.id, previousStatus: row.previous_status, queue: row.queue }));
}

/** The cancelled executions grouped by queue. */
export function byQueue(cancelled: readonly CancelledInQueue[]): { queue: string; executions: CancelledExecution[] }[] {
  return [...groupBy(cancelled, (execution) => execution.queue)].map(([queue, executions]) => ({
    queue,
    executions: executions.map(({ id, previousStatus }) => ({ id, previousStatus })),
  }));
}

import { ExecutionStatus, type ExecutionStatus as Status, sourcesOf } from '@meridian/domain';

import type { Prisma } from '../generated/client/index.js';

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

/**
 * Cancels every execution of a job that has not ended, in the caller's transaction or alone.
 *
 * Output: the cancelled executions with the status each had, so the caller knows which to remove
 * from the queue and which running attempt to signal. Locks: those execution rows.
 */
export async function cancelUnfinished(
  client: Pick<Prisma.TransactionClient, '$queryRaw'>,
  jobId: string,
  now: Date,
  reason: CancelReason | null = null,
): Promise<CancelledExecution[]> {
  const sources = sourcesOf(ExecutionStatus.Cancelled);
  const lastError = reason === null ? null : JSON.stringify(reason);
  const rows = await client.$queryRaw<{ id: string; previous_status: Status }[]>`
    WITH target AS (
      SELECT id, status FROM executions
       WHERE job_id = ${jobId}::uuid AND status = ANY(${sources}::"ExecutionStatus"[])
       FOR UPDATE
    ), cancelled AS (
      UPDATE executions e
         SET status = 'CANCELLED', finished_at = ${now}, next_attempt_at = NULL, updated_at = ${now},
             last_error = COALESCE(${lastError}::jsonb, e.last_error)
        FROM target t WHERE e.id = t.id
      RETURNING e.id, t.status AS previous_status
    ), job_row AS (
      UPDATE jobs SET status = 'CANCELLED', updated_at = ${now}
       WHERE id = ${jobId}::uuid AND EXISTS (SELECT 1 FROM cancelled)
    )
    SELECT id, previous_status FROM cancelled`;
  return rows.map((row) => ({ id: row.id, previousStatus: row.previous_status }));
}

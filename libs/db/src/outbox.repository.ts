import type { ExecutionDispatch } from '@meridian/domain';

import { DISPATCH_COLUMNS, type DispatchRow, toDispatch } from './dispatch-row.js';
import type { Database } from './prisma-client.factory.js';
import { UNFINISHED_STATUSES } from './unfinished-executions.js';

export interface RelayBatchResult {
  /** Outbox rows consumed. */
  claimed: number;
  /** Executions handed to the dispatcher (the rest were cancelled or deleted meanwhile). */
  dispatched: number;
}

export class OutboxRepository {
  constructor(private readonly db: Database) {}

  /**
   * Relays one batch of outbox rows.
   *
   * Inputs: batch size, and `dispatch`, which must be idempotent (BullMQ job ids are execution ids).
   * Output: counts. Locks: the claimed outbox rows (`FOR UPDATE SKIP LOCKED`, so N relays share the
   * table without double work), until commit.
   * Guarantee: a row is deleted only in the transaction that saw its dispatch succeed; if the commit
   * is lost after dispatch, the row is relayed again and the second enqueue is a no-op. When the
   * batch fails, each row is tried alone, so one row that cannot be dispatched (its queue is no
   * longer served) stays, with its error, without holding back the others; when no row gets
   * through, nothing changes and the error is thrown. Executions still PENDING
   * become QUEUED; others (cancelled meanwhile) are not dispatched, and a worker would refuse them.
   * A row marked `after_previous` (a buffered run) is claimed only once no earlier execution of its
   * job is unfinished, so buffered runs start one after another, in the order they were created.
   */
  async relayBatch(limit: number, dispatch: (items: ExecutionDispatch[]) => Promise<void>): Promise<RelayBatchResult> {
    // Rows that could not be dispatched, kept across the rollback so they are counted anyway: their
    // attempts order them last, so rows that can go are claimed first next time.
    let undispatchable: { ids: bigint[]; error: string } | null = null;
    try {
      return await this.relayInTransaction(limit, dispatch, (ids, error) => {
        undispatchable = { ids, error };
      });
    } catch (error) {
      const failed = undispatchable as { ids: bigint[]; error: string } | null;
      if (failed !== null) {
        await this.db.$executeRaw`
          UPDATE outbox SET attempts = attempts + 1, last_error = ${failed.error} WHERE id = ANY(${failed.ids}::bigint[])`;
      }
      throw error;
    }
  }

  private async relayInTransaction(
    limit: number,
    dispatch: (items: ExecutionDispatch[]) => Promise<void>,
    onUndispatchable: (ids: bigint[], error: string) => void,
  ): Promise<RelayBatchResult> {
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<(DispatchRow & { outbox_id: bigint; status: string })[]>`
          SELECT o.id AS outbox_id, e.status, ${DISPATCH_COLUMNS}
            FROM outbox o
            JOIN executions e ON e.id = o.execution_id
            JOIN jobs j ON j.id = e.job_id
           WHERE NOT o.after_previous
              OR NOT EXISTS (SELECT 1 FROM executions p
                              WHERE p.job_id = e.job_id AND p.id < e.id
                                AND p.status = ANY(${UNFINISHED_STATUSES}::"ExecutionStatus"[]))
           ORDER BY o.attempts, o.id
           LIMIT ${limit}
             FOR UPDATE OF o SKIP LOCKED`;
        if (rows.length === 0) {
          return { claimed: 0, dispatched: 0 };
        }
        // Taken before dispatch: a worker may start an execution the moment it is enqueued, and its
        // start must not look earlier than its queuing.
        const now = new Date();
        const pending = rows.filter((row) => row.status === 'PENDING');
        const failed = new Map<bigint, string>();
        try {
          if (pending.length > 0) {
            await dispatch(pending.map(toDispatch));
          }
        } catch (batchError) {
          for (const row of pending) {
            await dispatch([toDispatch(row)]).catch((error: unknown) => {
              failed.set(row.outbox_id, error instanceof Error ? error.message : String(error));
            });
          }
          // Nothing got through: change nothing here, let the caller back off.
          if (failed.size === pending.length) {
            onUndispatchable([...failed.keys()], [...failed.values()][0] ?? String(batchError));
            throw batchError;
          }
        }
        const dispatched = pending.filter((row) => !failed.has(row.outbox_id));
        await tx.$executeRaw`
          WITH queued AS (
            UPDATE executions SET status = 'QUEUED', queued_at = ${now}, updated_at = ${now}
             WHERE id = ANY(${dispatched.map((row) => row.execution_id)}::uuid[]) AND status = 'PENDING'
            RETURNING job_id
          )
          UPDATE jobs SET status = 'QUEUED', updated_at = ${now} FROM queued q WHERE jobs.id = q.job_id`;
        const done = rows.filter((row) => !failed.has(row.outbox_id)).map((row) => row.outbox_id);
        await tx.$executeRaw`DELETE FROM outbox WHERE id = ANY(${done}::bigint[])`;
        for (const [id, error] of failed) {
          await tx.$executeRaw`UPDATE outbox SET attempts = attempts + 1, last_error = ${error} WHERE id = ${id}`;
        }
        return { claimed: rows.length, dispatched: dispatched.length };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  /**
   * Relays one batch of ARM_SCHEDULE rows: each active recurring job's next tick goes to `arm`
   * (idempotent: tick ids derive from job id and nominal time). Same locking and guarantee as
   * {@link relayBatch}.
   */
  async relayArmBatch(
    limit: number,
    arm: (ticks: { jobId: string; nominalTime: Date }[]) => Promise<void>,
  ): Promise<RelayBatchResult> {
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ outbox_id: bigint; job_id: string; next_run_at: Date | null }[]>`
          SELECT o.id AS outbox_id, j.id AS job_id, j.next_run_at
            FROM outbox o
            JOIN jobs j ON j.id = o.job_id
           WHERE o.kind = 'ARM_SCHEDULE'
           ORDER BY o.id
           LIMIT ${limit}
             FOR UPDATE OF o SKIP LOCKED`;
        if (rows.length === 0) {
          return { claimed: 0, dispatched: 0 };
        }
        const ticks = rows.flatMap((row) =>
          row.next_run_at === null ? [] : [{ jobId: row.job_id, nominalTime: row.next_run_at }],
        );
        if (ticks.length > 0) {
          await arm(ticks);
        }
        await tx.$executeRaw`DELETE FROM outbox WHERE id = ANY(${rows.map((row) => row.outbox_id)}::bigint[])`;
        return { claimed: rows.length, dispatched: ticks.length };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  async countPending(): Promise<number> {
    return this.db.outbox.count();
  }
}

import type { ExecutionDispatch } from '@meridian/domain';

import { DISPATCH_COLUMNS_SQL, type DispatchRow, toDispatch } from './internal/dispatch-row.js';
import { markQueued } from './internal/execution-transitions.js';
import { type OutboxBacklog, readOutboxBacklog } from './internal/outbox-backlog.js';
import { UNFINISHED_STATUSES } from './internal/unfinished-executions.js';
import type { Database } from './postgres.js';
import type { SqlClient, SqlTransaction, Statement } from './sql-client.js';

export interface RelayBatchResult {
  /** Outbox rows consumed. */
  claimed: number;
  /** Executions handed to the dispatcher (the rest were cancelled or deleted meanwhile). */
  dispatched: number;
}

/**
 * Claims up to $1 ENQUEUE_EXECUTION rows, oldest first after those that failed least, with what it
 * takes to enqueue each. A buffered run (`after_previous`) is claimed only once no earlier execution
 * of its job is unfinished ($2: the unfinished statuses). Locks the claimed outbox rows
 * (SKIP LOCKED: N relays share the table without double work) until commit.
 * Cost: it walks the outbox in claim order (outbox_enqueue_order_idx) and stops at $1 rows, then
 * looks up each row's execution and job by key, so it does not grow with the backlog or the
 * history. (`OFFSET 0` keeps those lookups per row: otherwise the planner may hash the whole
 * executions table to join 500 rows.)
 */
const CLAIM_EXECUTIONS: Statement = {
  name: 'meridian_outbox_claim_executions',
  text: `
    WITH claimed AS (
      SELECT o.id, o.execution_id, o.attempts
        FROM outbox o
       WHERE o.kind = 'ENQUEUE_EXECUTION'
         AND (NOT o.after_previous
              OR NOT EXISTS (SELECT 1 FROM executions p
                              WHERE p.job_id = (SELECT c.job_id FROM executions c WHERE c.id = o.execution_id)
                                AND p.id < o.execution_id AND p.status = ANY($2::"ExecutionStatus"[])))
       ORDER BY o.attempts, o.id
       LIMIT $1
         FOR UPDATE OF o SKIP LOCKED
    )
    SELECT o.id AS outbox_id, e.status, ${DISPATCH_COLUMNS_SQL}
      FROM claimed o
     CROSS JOIN LATERAL (SELECT * FROM executions x WHERE x.id = o.execution_id OFFSET 0) e
      JOIN jobs j ON j.id = e.job_id
     ORDER BY o.attempts, o.id`,
};

/** Deletes relayed outbox rows ($1). */
const DELETE_ROWS: Statement = {
  name: 'meridian_outbox_delete',
  text: `DELETE FROM outbox WHERE id = ANY($1::bigint[])`,
};

/** Counts a failed dispatch on outbox rows ($1) with its error ($2), which orders them last. */
const COUNT_FAILURE: Statement = {
  name: 'meridian_outbox_count_failure',
  text: `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
};

/** Claims up to $1 ARM_SCHEDULE rows with their job's next nominal time; locks as CLAIM_EXECUTIONS. */
const CLAIM_ARMS: Statement = {
  name: 'meridian_outbox_claim_arms',
  text: `
    WITH claimed AS (
      SELECT o.id, o.job_id FROM outbox o
       WHERE o.kind = 'ARM_SCHEDULE'
       ORDER BY o.id
       LIMIT $1
         FOR UPDATE OF o SKIP LOCKED
    )
    SELECT o.id AS outbox_id, j.id AS job_id, j.next_run_at
      FROM claimed o
      JOIN jobs j ON j.id = o.job_id
     ORDER BY o.id`,
};

/** Outbox ids are bigint; pg hands them over as strings, which is all they are used as. */
type OutboxId = string;

export class OutboxRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

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
    let undispatchable: { ids: OutboxId[]; error: string } | null = null;
    try {
      // No retry on a conflict: the transaction enqueues to Redis, which a rollback would not undo.
      return await this.sql.transaction(
        (tx) =>
          this.relayInTransaction(tx, limit, dispatch, (ids, error) => {
            undispatchable = { ids, error };
          }),
        0,
      );
    } catch (error) {
      const failed = undispatchable as { ids: OutboxId[]; error: string } | null;
      if (failed !== null) {
        await this.sql.query(COUNT_FAILURE, [failed.ids, failed.error]);
      }
      throw error;
    }
  }

  private async relayInTransaction(
    tx: SqlTransaction,
    limit: number,
    dispatch: (items: ExecutionDispatch[]) => Promise<void>,
    onUndispatchable: (ids: OutboxId[], error: string) => void,
  ): Promise<RelayBatchResult> {
    const rows = await tx.query<DispatchRow & { outbox_id: OutboxId; status: string }>(CLAIM_EXECUTIONS, [
      limit,
      UNFINISHED_STATUSES,
    ]);
    if (rows.length === 0) {
      return { claimed: 0, dispatched: 0 };
    }
    // Taken before dispatch: a worker may start an execution the moment it is enqueued, and its
    // start must not look earlier than its queuing.
    const now = new Date();
    const pending = rows.filter((row) => row.status === 'PENDING');
    const failed = new Map<OutboxId, string>();
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
    await markQueued(
      tx,
      dispatched.map((row) => row.execution_id),
      now,
    );
    const done = rows.filter((row) => !failed.has(row.outbox_id)).map((row) => row.outbox_id);
    await tx.query(DELETE_ROWS, [done]);
    for (const [id, error] of failed) {
      await tx.query(COUNT_FAILURE, [[id], error]);
    }
    return { claimed: rows.length, dispatched: dispatched.length };
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
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ outbox_id: OutboxId; job_id: string; next_run_at: Date | null }>(CLAIM_ARMS, [
        limit,
      ]);
      if (rows.length === 0) {
        return { claimed: 0, dispatched: 0 };
      }
      const ticks = rows.flatMap((row) =>
        row.next_run_at === null ? [] : [{ jobId: row.job_id, nominalTime: row.next_run_at }],
      );
      if (ticks.length > 0) {
        await arm(ticks);
      }
      await tx.query(DELETE_ROWS, [rows.map((row) => row.outbox_id)]);
      return { claimed: rows.length, dispatched: ticks.length };
    }, 0);
  }

  /** How many rows wait to be relayed and since when (null: none); read at each metrics scrape. */
  async backlog(): Promise<OutboxBacklog> {
    return readOutboxBacklog(this.sql);
  }

  async countPending(): Promise<number> {
    return this.db.outbox.count();
  }
}

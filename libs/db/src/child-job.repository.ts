import {
  assertStorableJson,
  type ChildEndStatus,
  type ChildFailurePolicy,
  type ExecutionDispatch,
  ExecutionStatus,
  type ExecutionStatus as Status,
  type JobSpec,
  newId,
} from '@meridian/domain';

import { DISPATCH_COLUMNS_SQL, type DispatchRow, toDispatch } from './internal/dispatch-row.js';
import { cancelExecutions, type CancelledInQueue } from './internal/execution-transitions.js';
import { insertJobs, type TimedNewJob } from './internal/job-insert.js';
import { latestExecutionOf } from './internal/latest-execution.js';
import { toJobRecord } from './internal/mappers.js';
import { decodeCursor, toPage } from './internal/pagination.js';
import type { Database } from './postgres.js';
import type { JobRecord, Page } from './records.js';
import type { SqlClient, Statement } from './sql-client.js';

/** The running attempt of a parent, as the worker that runs it knows it. */
export interface ParentAttempt {
  executionId: string;
  jobId: string;
  namespace: string;
  attempt: number;
}

/** One child of a step and how its latest execution stands, with what it takes to enqueue it. */
export interface ChildState {
  index: number;
  status: Status;
  dispatch: ExecutionDispatch;
}

/** How one child of a step ended (or that it has not), as its parent's handler is told. */
export interface ChildOutcome {
  index: number;
  jobId: string;
  executionId: string;
  status: Status;
  result: unknown;
  error: unknown;
}

/** The children of one step of a parent execution, in index order, with the policy they were started under. */
export interface ChildStep {
  step: string;
  onChildFailure: ChildFailurePolicy;
  children: ChildOutcome[];
}

const ENDED: readonly Status[] = [
  ExecutionStatus.Succeeded,
  ExecutionStatus.Dead,
  ExecutionStatus.Cancelled,
  ExecutionStatus.Skipped,
];

/** Whether a child's status is an end (SUCCEEDED, DEAD, CANCELLED or SKIPPED). */
export function isChildEnded(status: Status): status is ChildEndStatus {
  return ENDED.includes(status);
}

/**
 * Locks the running attempt $2 of parent execution $1 against a concurrent cancel (FOR SHARE: a
 * cancel, which takes the row FOR UPDATE, waits for this transaction and then finds its children)
 * and returns it; no row when the attempt is no longer the running one.
 */
const LOCK_PARENT: Statement = {
  name: 'meridian_children_lock_parent',
  text: `
    SELECT e.id FROM executions e
     WHERE e.id = $1 AND e.attempt = $2 AND e.status = '${ExecutionStatus.Running}'
       FOR SHARE`,
};

/**
 * The children of step $2 of parent execution $1, in index order, each with its latest execution's
 * status and what an enqueue needs. Served by the partial unique index on (parent_execution_id,
 * child_step, child_index) and one (job_id, id) probe per child. Reads only.
 */
const CHILDREN_OF_STEP: Statement = {
  name: 'meridian_children_of_step',
  text: `
    SELECT j.child_index, e.status, ${DISPATCH_COLUMNS_SQL}
      FROM jobs j
      JOIN LATERAL ${latestExecutionOf('j.id')} e ON true
     WHERE j.parent_execution_id = $1 AND j.child_step = $2
     ORDER BY j.child_index`,
};

/**
 * Every child of parent execution $1, by step and index, with its latest execution's status, result
 * and error. Served as {@link CHILDREN_OF_STEP}. Reads only.
 */
const CHILDREN_OF_PARENT: Statement = {
  name: 'meridian_children_of_parent',
  text: `
    SELECT j.child_step, j.child_index, j.child_failure_policy, j.id AS job_id, e.id AS execution_id, e.status,
           e.result, e.last_error
      FROM jobs j
      JOIN LATERAL ${latestExecutionOf('j.id', 'x.id, x.status, x.result, x.last_error')} e ON true
     WHERE j.parent_execution_id = $1
     ORDER BY j.child_step, j.child_index`,
};

/** Why a child was cancelled by Meridian: its parent was cancelled, or (fail_parent) a sibling failed. */
export const ChildCancelReason = {
  ParentCancelled: { code: 'parent_cancelled', message: 'cancelled: its parent was cancelled' },
  SiblingFailed: { code: 'sibling_failed', message: 'cancelled: a sibling failed and its parent fails (fail_parent)' },
} as const;

/**
 * The parents (their execution ids) of the executions $1 that are children started under
 * `fail_parent` and whose parent attempt is still running (parked, or about to park): their other
 * unfinished children are to be cancelled. A child cancelled with its parent has a CANCELLED
 * parent and is left out. Served by the primary keys. Reads only.
 */
const FAILING_PARENTS: Statement = {
  name: 'meridian_children_failing_parents',
  text: `
    SELECT DISTINCT j.parent_execution_id AS id
      FROM executions e
      JOIN jobs j ON j.id = e.job_id
      JOIN executions p ON p.id = j.parent_execution_id
     WHERE e.id = ANY($1::uuid[]) AND j.child_failure_policy = 'FAIL_PARENT'
       AND p.status = '${ExecutionStatus.Running}'`,
};

/**
 * Parents that have ended while children of theirs have not ($1: those last touched before it; $2:
 * at most so many): a cancel whose cascade was cut short by a crash. A child execution created after
 * its parent ended (a child retried by hand) is its own and not counted. Walks the partial index of
 * unfinished executions, as the reconciler's check of live executions does. Reads only.
 */
const ORPHANING_PARENTS: Statement = {
  name: 'meridian_children_orphaning_parents',
  text: `
    SELECT DISTINCT j.parent_execution_id AS id
      FROM executions e
      JOIN jobs j ON j.id = e.job_id
      JOIN executions p ON p.id = j.parent_execution_id
     WHERE e.finished_at IS NULL AND e.updated_at < $1 AND j.parent_execution_id IS NOT NULL
       AND p.finished_at IS NOT NULL AND e.created_at <= p.finished_at
     LIMIT $2`,
};

/**
 * Parked parents whose children have all ended, parked before $1 (at most $2): BullMQ should have
 * moved each back to its queue long ago, and has not (a link lost with part of Redis). Each with what
 * an enqueue needs. Walks the partial index of unfinished executions. Reads only.
 */
const STUCK_PARENTS: Statement = {
  name: 'meridian_children_stuck_parents',
  text: `
    SELECT ${DISPATCH_COLUMNS_SQL}
      FROM executions e
      JOIN jobs j ON j.id = e.job_id
     WHERE e.finished_at IS NULL AND e.status = '${ExecutionStatus.Running}' AND e.parked_at < $1
       AND NOT EXISTS (
         SELECT 1 FROM jobs c
           JOIN LATERAL ${latestExecutionOf('c.id', 'x.finished_at')} ce ON true
          WHERE c.parent_execution_id = e.id AND ce.finished_at IS NULL)
     LIMIT $2`,
};

/**
 * Child jobs: the jobs a running handler starts (ctx.children.start), stored as ordinary jobs with
 * their parent's execution, step and index (docs/decisions/0019-child-jobs.md). They are inserted by
 * the job insert (internal/job-insert.ts) with their executions QUEUED, for the parent's worker to
 * enqueue, and read back for the parent's handler when it resumes.
 */
export class ChildJobRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /**
   * Stores the children of `step` of the parent's running attempt in one transaction, each a job of
   * the parent's namespace with its execution QUEUED; a child already stored under the same (parent
   * execution, step, index), by an earlier attempt or delivery, is kept as it is and nothing new is
   * made for it. Returns every child of the step with its state, or null when the attempt is no
   * longer running (cancelled meanwhile): then nothing is stored.
   */
  async start(
    parent: ParentAttempt,
    step: string,
    onChildFailure: ChildFailurePolicy,
    specs: readonly JobSpec[],
    now: Date,
  ): Promise<ChildState[] | null> {
    specs.forEach((spec, index) => assertStorableJson(spec.payload, `children[${index}].payload`));
    const jobs: TimedNewJob[] = specs.map((spec, index) => ({
      kind: 'one_off',
      jobId: newId(),
      executionId: newId(),
      namespace: parent.namespace,
      spec,
      idempotencyKey: null,
      requestHash: null,
      createdAt: now,
      child: {
        parentJobId: parent.jobId,
        parentExecutionId: parent.executionId,
        step,
        index,
        onChildFailure,
      },
    }));
    return this.sql.transaction(async (tx) => {
      const locked = await tx.query(LOCK_PARENT, [parent.executionId, parent.attempt]);
      if (locked.length === 0) {
        return null;
      }
      await insertJobs(tx, jobs);
      const rows = await tx.query<DispatchRow & { child_index: number; status: Status }>(CHILDREN_OF_STEP, [
        parent.executionId,
        step,
      ]);
      return rows.map((row) => ({ index: row.child_index, status: row.status, dispatch: toDispatch(row) }));
    });
  }

  /** The children of `step` of a parent execution with their state, in index order. */
  async childrenOfStep(parentExecutionId: string, step: string): Promise<ChildState[]> {
    const rows = await this.sql.query<DispatchRow & { child_index: number; status: Status }>(CHILDREN_OF_STEP, [
      parentExecutionId,
      step,
    ]);
    return rows.map((row) => ({ index: row.child_index, status: row.status, dispatch: toDispatch(row) }));
  }

  /** Every step of children the execution's handler started, each with its children in index order. */
  async steps(parentExecutionId: string): Promise<ChildStep[]> {
    const rows = await this.sql.query<{
      child_step: string;
      child_index: number;
      child_failure_policy: string;
      job_id: string;
      execution_id: string;
      status: Status;
      result: unknown;
      last_error: unknown;
    }>(CHILDREN_OF_PARENT, [parentExecutionId]);
    const steps = new Map<string, ChildStep>();
    for (const row of rows) {
      let step = steps.get(row.child_step);
      if (step === undefined) {
        step = {
          step: row.child_step,
          onChildFailure: row.child_failure_policy.toLowerCase() as ChildFailurePolicy,
          children: [],
        };
        steps.set(row.child_step, step);
      }
      step.children.push({
        index: row.child_index,
        jobId: row.job_id,
        executionId: row.execution_id,
        status: row.status,
        result: row.result,
        error: row.last_error,
      });
    }
    return [...steps.values()];
  }

  /**
   * Cancels the unfinished children of the executions `parentExecutionIds` (one level: the caller
   * goes on with the children cancelled, for grandchildren), storing `reason` as their `lastError`.
   * Returns them with the status each had and their queue, for the caller to tell Redis.
   */
  cancelChildren(
    parentExecutionIds: readonly string[],
    now: Date,
    reason: (typeof ChildCancelReason)[keyof typeof ChildCancelReason] = ChildCancelReason.ParentCancelled,
  ): Promise<CancelledInQueue[]> {
    if (parentExecutionIds.length === 0) {
      return Promise.resolve([]);
    }
    return cancelExecutions(this.sql, { parentExecutionIds }, now, reason);
  }

  /**
   * Of the executions `executionIds` (children that ended DEAD or CANCELLED), the parents whose
   * policy is `fail_parent` and whose attempt still runs: see {@link FAILING_PARENTS}.
   */
  async failingParents(executionIds: readonly string[]): Promise<string[]> {
    if (executionIds.length === 0) {
      return [];
    }
    return (await this.sql.query<{ id: string }>(FAILING_PARENTS, [executionIds])).map((row) => row.id);
  }

  /**
   * Ended parents with children still unfinished and untouched since `updatedBefore`: their cancel
   * was not carried down (its process died), for the reconciler to carry it again.
   */
  async orphaningParents(updatedBefore: Date, limit: number): Promise<string[]> {
    return (await this.sql.query<{ id: string }>(ORPHANING_PARENTS, [updatedBefore, limit])).map((row) => row.id);
  }

  /** Parked parents whose children have all ended, parked before `parkedBefore`: see {@link STUCK_PARENTS}. */
  async stuckParents(parkedBefore: Date, limit: number): Promise<ExecutionDispatch[]> {
    return (await this.sql.query<DispatchRow>(STUCK_PARENTS, [parkedBefore, limit])).map(toDispatch);
  }

  /**
   * A page of the children of job `parentJobId` (of `namespace`), of every execution of it, in the
   * order they were started (ids ascending), optionally of one step. Served by the partial index on
   * (parent_job_id, id).
   */
  async listByParentJob(filter: {
    namespace: string;
    parentJobId: string;
    step?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<JobRecord>> {
    const after = decodeCursor(filter.cursor);
    const rows = await this.db.job.findMany({
      where: {
        namespace: filter.namespace,
        parentJobId: filter.parentJobId,
        parentExecutionId: { not: null },
        ...(filter.step === undefined ? {} : { childStep: filter.step }),
        ...(after === undefined ? {} : { id: { gt: after } }),
      },
      orderBy: { id: 'asc' },
      take: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toJobRecord);
  }
}

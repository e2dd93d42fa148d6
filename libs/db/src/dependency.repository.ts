import { type ExecutionStatus, failsWorkflow } from '@meridian/domain';

import { Prisma } from '../generated/client/index.js';
import { fromStoredPolicy, releaseReady, type StoredDependencyPolicy } from './internal/dependency-graph.js';
import { cancelExecutions, lockJobsInIdOrder } from './internal/execution-transitions.js';
import { groupBy } from './internal/group-by.js';
import { latestExecutionOf } from './internal/latest-execution.js';
import { byQueue, ENDED_STATUSES } from './internal/unfinished-executions.js';
import type { Database } from './postgres.js';
import type { CancelledExecutions } from './records.js';
import { type SqlClient, type Statement, type StatementRunner } from './sql-client.js';

/**
 * The jobs job $1 depends on, each with its key (workflow key, or job id) and how its latest
 * execution ended: what a dependent's handler receives as its parents. Run before every attempt of
 * a job with dependencies, so a named statement.
 */
const PARENTS_OF: Statement = {
  name: 'meridian_parents_of',
  text: `
    SELECT COALESCE(p.workflow_key, p.id::text) AS key, p.id AS job_id, latest.status, latest.result
      FROM job_dependencies d
      JOIN jobs p ON p.id = d.depends_on_job_id
      JOIN LATERAL ${latestExecutionOf('p.id', 'x.status, x.result')} latest ON true
     WHERE d.job_id = $1`,
};

/** Times a settle step runs again after a deadlock before it fails (and the reconciler settles it). */
const SETTLE_RETRIES = 5;

/** What settling an ended execution did, beyond the counts. */
export interface SettleResult {
  /** Dependents released to run. */
  released: number;
  /** Dependents skipped (each settled in turn, so skips carry through the graph). */
  skipped: number;
  /** Jobs cancelled by a `fail_workflow` edge. */
  cancelled: CancelledExecutions[];
}

/**
 * Job dependencies: each job that depends on others has a BLOCKED execution and a count of
 * dependencies not yet ended. When an execution ends, {@link settle} counts it down on every
 * dependent, exactly once (a flag on the execution, set in the same transaction as the count), and
 * releases each dependent whose count reaches zero: to run, or skipped, as its edges' policies say.
 * The count is a row update, so two dependencies ending at the same instant on two workers are
 * serialised on the dependent's row and exactly one of them sees zero.
 */
export class DependencyRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /**
   * Settles ended executions and, in turn, every execution that ends because of them (skipped
   * dependents, jobs cancelled by a failed workflow). Executions that end together (a worker's
   * concurrent attempts) are settled together: each step is one transaction for all of them, not
   * one per execution. Idempotent: an execution already settled, not ended, or without dependents
   * changes nothing. A step lost to a crash is found again by {@link findUnsettled}.
   */
  async settle(executionIds: readonly string[], now: Date = new Date()): Promise<SettleResult> {
    const result: SettleResult = { released: 0, skipped: 0, cancelled: [] };
    // Most jobs have no dependents: find that out with one read, not a transaction. A dependent
    // created after this read counts and settles this end itself (see createDependentJob).
    let pending = (await this.sql.query<{ id: string }>(WITH_DEPENDENTS, [executionIds])).map((row) => row.id);
    while (pending.length > 0) {
      const ids = pending;
      // Counts on shared dependents are taken in id order, but the releases and cancellations that
      // follow are not: two steps on overlapping graphs can deadlock, and then run again whole.
      const step = await this.sql.transaction((tx) => settleStep(tx, ids, now), SETTLE_RETRIES);
      result.released += step.released.length;
      result.skipped += step.skipped.length;
      result.cancelled.push(...step.cancelled);
      pending = [...step.skipped, ...step.cancelled.flatMap((c) => c.executions.map((execution) => execution.id))];
    }
    return result;
  }

  /**
   * How the jobs `jobId` depends on ended, by their workflow key (or job id), for its handler.
   */
  async parentsOf(jobId: string): Promise<Record<string, { jobId: string; status: string; result: unknown }>> {
    const rows = await this.sql.query<{ key: string; job_id: string; status: string; result: unknown }>(PARENTS_OF, [
      jobId,
    ]);
    return Object.fromEntries(
      rows.map((row) => [row.key, { jobId: row.job_id, status: row.status, result: row.result ?? null }]),
    );
  }

  /**
   * Ended executions whose dependents have not counted them yet (a settle lost to a crash, or a
   * dependent created after its dependency ended), at most `limit`, oldest first. Walks the jobs that
   * have dependents, not the executions, so its cost follows the edges, however many jobs have run.
   */
  async findUnsettled(limit: number): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT e.id
        FROM (SELECT DISTINCT d.depends_on_job_id AS job_id FROM job_dependencies d) p
        JOIN LATERAL ${Prisma.raw(latestExecutionOf('p.job_id', 'x.id, x.status, x.dependents_notified'))} e ON true
       WHERE e.status = ANY(${ENDED_STATUSES}::"ExecutionStatus"[]) AND NOT e.dependents_notified
       ORDER BY e.id
       LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }
}

/** Of the executions $1, those whose job others depend on. */
const WITH_DEPENDENTS: Statement = {
  name: 'meridian_with_dependents',
  text: `
    SELECT e.id FROM executions e
     WHERE e.id = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on_job_id = e.job_id)`,
};

/**
 * Marks the executions $1 that have ended, have dependents and were not counted yet as counted.
 * Output: those, with their job and status. Locks: those execution rows, until commit.
 * Idempotency: an execution counted once is never returned again.
 */
const MARK_COUNTED: Statement = {
  name: 'meridian_mark_counted',
  text: `
    UPDATE executions e SET dependents_notified = true
     WHERE e.id = ANY($1::uuid[]) AND e.status = ANY('{${ENDED_STATUSES.join(',')}}'::"ExecutionStatus"[])
       AND NOT e.dependents_notified
       AND EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on_job_id = e.job_id)
    RETURNING e.id, e.job_id, e.status`,
};

/** The edges out of the jobs $1 (to their dependents), with each job's workflow and key. */
const OUTGOING_EDGES: Statement = {
  name: 'meridian_outgoing_edges',
  text: `
    SELECT d.depends_on_job_id AS job_id, d.on_failure, j.workflow_id, COALESCE(j.workflow_key, j.id::text) AS key
      FROM job_dependencies d JOIN jobs j ON j.id = d.depends_on_job_id
     WHERE d.depends_on_job_id = ANY($1::uuid[])`,
};

/**
 * Counts the ends of the jobs $1 down on their dependents at $2: each end once on each dependent, so
 * two parents of one child ending in the same step take 2. Output: each dependent counted, with
 * what remains. Locks: the dependents' rows, in id order, until commit.
 */
const COUNT_DOWN: Statement = {
  name: 'meridian_count_down',
  text: `
    WITH ends AS (
      SELECT d.job_id, count(*)::int AS n
        FROM unnest($1::uuid[]) AS ended(job_id)
        JOIN job_dependencies d ON d.depends_on_job_id = ended.job_id
       GROUP BY d.job_id
    ), locked AS (
      ${lockJobsInIdOrder('SELECT job_id FROM ends')}
    )
    UPDATE jobs c SET dependencies_remaining = GREATEST(0, c.dependencies_remaining - e.n), updated_at = $2
      FROM locked l JOIN ends e ON e.job_id = l.id
     WHERE c.id = l.id AND c.dependencies_remaining > 0
    RETURNING c.id, c.dependencies_remaining`,
};

/** Marks workflow $1 failed at $2, once (not when cancelled). Output: a row when it was marked now. */
const MARK_WORKFLOW_FAILED: Statement = {
  name: 'meridian_mark_workflow_failed',
  text: `
    UPDATE workflows SET failed_at = $2, updated_at = $2
     WHERE id = $1::uuid AND failed_at IS NULL AND cancelled_at IS NULL
    RETURNING id`,
};

/**
 * One step of {@link DependencyRepository.settle}: marks each of `executionIds` that has ended and
 * has not been counted as counted, fails the workflows whose failure policy says so, counts each end
 * down once on every job that depends on its job, and releases (or skips) the jobs whose count
 * reached zero. Returns what it released, skipped and cancelled; the caller settles the last two.
 */
async function settleStep(
  tx: StatementRunner,
  executionIds: readonly string[],
  now: Date,
): Promise<{ released: string[]; skipped: string[]; cancelled: CancelledExecutions[] }> {
  const ended = await tx.query<{ id: string; job_id: string; status: ExecutionStatus }>(MARK_COUNTED, [executionIds]);
  if (ended.length === 0) {
    return { released: [], skipped: [], cancelled: [] };
  }
  const endedJobs = ended.map((execution) => execution.job_id);
  const outgoing = await tx.query<{
    job_id: string;
    on_failure: StoredDependencyPolicy;
    workflow_id: string | null;
    key: string;
  }>(OUTGOING_EDGES, [endedJobs]);
  const edgesOf = groupBy(outgoing, (edge) => edge.job_id);
  const cancelled: CancelledExecutions[] = [];
  for (const execution of ended) {
    const edges = edgesOf.get(execution.job_id) ?? [];
    const workflowId = edges[0]?.workflow_id ?? null;
    if (
      workflowId !== null &&
      failsWorkflow(
        execution.status,
        edges.map((edge) => fromStoredPolicy(edge.on_failure)),
      )
    ) {
      cancelled.push(...(await failWorkflow(tx, workflowId, edges[0]?.key ?? '', execution.status, now)));
    }
  }
  const counted = await tx.query<{ id: string; dependencies_remaining: number }>(COUNT_DOWN, [endedJobs, now]);
  const ready = counted.filter((job) => job.dependencies_remaining === 0).map((job) => job.id);
  const { released, skipped } = await releaseReady(tx, ready, now);
  return { released, skipped, cancelled };
}

/**
 * Fails a workflow (once) and cancels each of its jobs that has not started: blocked, pending,
 * queued or waiting to retry. Running jobs finish.
 */
async function failWorkflow(
  tx: StatementRunner,
  workflowId: string,
  failedKey: string,
  failedStatus: ExecutionStatus,
  now: Date,
): Promise<CancelledExecutions[]> {
  const marked = await tx.query(MARK_WORKFLOW_FAILED, [workflowId, now]);
  if (marked.length === 0) {
    return [];
  }
  const cancelled = await cancelExecutions(tx, { workflowId, exceptRunning: true }, now, {
    code: 'workflow_failed',
    message: `cancelled: job "${failedKey}" of the workflow ended ${failedStatus}`,
  });
  return byQueue(cancelled);
}

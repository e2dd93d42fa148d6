import { decideRelease, type DependencyFailurePolicy, ExecutionStatus, failsWorkflow, newId } from '@meridian/domain';

import type { Prisma } from '../generated/client/index.js';
import {
  cancelExecutions,
  type CancelledExecution,
  createExecutions,
  lockJobsInIdOrder,
  releaseBlocked,
  skipBlocked,
} from './execution-transitions.js';
import { groupBy } from './group-by.js';
import type { Database } from './postgres.js';
import { type SqlClient, type SqlTransaction, type Statement, statementsIn } from './sql-client.js';
import { byQueue, ENDED_STATUSES, UNFINISHED_STATUSES } from './unfinished-executions.js';

type Tx = Prisma.TransactionClient;
type Runner = Pick<SqlTransaction, 'query'>;

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
      JOIN LATERAL (SELECT x.status, x.result FROM executions x WHERE x.job_id = p.id ORDER BY x.id DESC LIMIT 1) latest
        ON true
     WHERE d.job_id = $1`,
};

/** Times a settle step runs again after a deadlock before it fails (and the reconciler settles it). */
const SETTLE_RETRIES = 5;
type StoredPolicy = 'SKIP' | 'CONTINUE' | 'FAIL_WORKFLOW';

export const toStoredPolicy = (policy: DependencyFailurePolicy) => policy.toUpperCase() as StoredPolicy;
const fromStoredPolicy = (policy: StoredPolicy) => policy.toLowerCase() as DependencyFailurePolicy;

/** Executions cancelled because their workflow failed, with their queue, for the caller to tell Redis. */
export interface WorkflowCancellation {
  queue: string;
  executions: CancelledExecution[];
}

/** What settling an ended execution did, beyond the counts. */
export interface SettleResult {
  /** Dependents released to run. */
  released: number;
  /** Dependents skipped (each settled in turn, so skips carry through the graph). */
  skipped: number;
  /** Jobs cancelled by a `fail_workflow` edge. */
  cancelled: WorkflowCancellation[];
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
        JOIN LATERAL (SELECT x.id, x.status, x.dependents_notified FROM executions x
                       WHERE x.job_id = p.job_id ORDER BY x.id DESC LIMIT 1) e ON true
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

/** The BLOCKED executions of the jobs $1. */
const BLOCKED_OF_JOBS: Statement = {
  name: 'meridian_blocked_of_jobs',
  text: `SELECT id FROM executions WHERE job_id = ANY($1::uuid[]) AND status = 'BLOCKED'`,
};

/** The edges into the BLOCKED executions of the jobs $1, with how each dependency's latest execution ended. */
const EDGES_INTO_BLOCKED: Statement = {
  name: 'meridian_edges_into_blocked',
  text: `
    SELECT b.id AS execution_id, d.on_failure, COALESCE(p.workflow_key, p.id::text) AS key, latest.status
      FROM job_dependencies d
      JOIN executions b ON b.job_id = d.job_id AND b.status = 'BLOCKED'
      JOIN jobs p ON p.id = d.depends_on_job_id
      JOIN LATERAL (SELECT x.status FROM executions x WHERE x.job_id = p.id ORDER BY x.id DESC LIMIT 1) latest ON true
     WHERE d.job_id = ANY($1::uuid[])`,
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
  tx: Runner,
  executionIds: readonly string[],
  now: Date,
): Promise<{ released: string[]; skipped: string[]; cancelled: WorkflowCancellation[] }> {
  const ended = await tx.query<{ id: string; job_id: string; status: ExecutionStatus }>(MARK_COUNTED, [executionIds]);
  if (ended.length === 0) {
    return { released: [], skipped: [], cancelled: [] };
  }
  const endedJobs = ended.map((execution) => execution.job_id);
  const outgoing = await tx.query<{
    job_id: string;
    on_failure: StoredPolicy;
    workflow_id: string | null;
    key: string;
  }>(OUTGOING_EDGES, [endedJobs]);
  const edgesOf = groupBy(outgoing, (edge) => edge.job_id);
  const cancelled: WorkflowCancellation[] = [];
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
 * Releases the BLOCKED executions of `jobIds` (jobs whose dependencies have all ended): each runs,
 * through the outbox, or is SKIPPED, as {@link decideRelease} says. Conditional on BLOCKED, so a
 * job released twice changes nothing the second time. Returns the execution ids of each kind.
 */
export async function releaseReady(
  tx: Runner,
  jobIds: string[],
  now: Date,
): Promise<{ released: string[]; skipped: string[] }> {
  if (jobIds.length === 0) {
    return { released: [], skipped: [] };
  }
  const blocked = await tx.query<{ id: string }>(BLOCKED_OF_JOBS, [jobIds]);
  const edges = await tx.query<{
    execution_id: string;
    on_failure: StoredPolicy;
    key: string;
    status: ExecutionStatus;
  }>(EDGES_INTO_BLOCKED, [jobIds]);
  const byExecution = groupBy(edges, (edge) => edge.execution_id);
  const run: string[] = [];
  const skip: { id: string; reason: string }[] = [];
  for (const { id: execution } of blocked) {
    const dependencies = byExecution.get(execution) ?? [];
    const decision = decideRelease(
      dependencies.map((edge) => ({ status: edge.status, onFailure: fromStoredPolicy(edge.on_failure) })),
    );
    if (decision === 'run') {
      run.push(execution);
    } else {
      const failed = dependencies.filter((edge) => edge.status !== 'SUCCEEDED');
      skip.push({
        id: execution,
        reason: failed.map((edge) => `"${edge.key}" ended ${edge.status}`).join(', '),
      });
    }
  }
  const released = await releaseBlocked(tx, run, now);
  const skipped = await skipBlocked(tx, skip, now);
  return { released, skipped };
}

/**
 * Fails a workflow (once) and cancels each of its jobs that has not started: blocked, pending,
 * queued or waiting to retry. Running jobs finish.
 */
async function failWorkflow(
  tx: Runner,
  workflowId: string,
  failedKey: string,
  failedStatus: ExecutionStatus,
  now: Date,
): Promise<WorkflowCancellation[]> {
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

/** A job of a workflow, or a job created alone with dependencies, ready to be stored. */
export interface DependentJobRows {
  jobId: string;
  executionId: string;
  /** Ids of the jobs it depends on, with each edge's effective policy. */
  dependsOn: { jobId: string; onFailure: DependencyFailurePolicy }[];
}

/** Stores the edges $1 → $2 (aligned) with their failure policies $3. */
const INSERT_EDGES: Statement = {
  name: 'meridian_insert_edges',
  text: `
    INSERT INTO job_dependencies (job_id, depends_on_job_id, on_failure)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::"DependencyFailurePolicy"[])`,
};

/** Stores the edges of `jobs` (their jobs and BLOCKED executions already exist). */
export async function insertEdges(tx: Runner, jobs: DependentJobRows[]): Promise<void> {
  const edges = jobs.flatMap((job) =>
    job.dependsOn.map((dependency) => ({
      jobId: job.jobId,
      dependsOnJobId: dependency.jobId,
      onFailure: toStoredPolicy(dependency.onFailure),
    })),
  );
  if (edges.length > 0) {
    await tx.query(INSERT_EDGES, [
      edges.map((edge) => edge.jobId),
      edges.map((edge) => edge.dependsOnJobId),
      edges.map((edge) => edge.onFailure),
    ]);
  }
}

/**
 * Makes way for a retry of `jobId`: the job, the jobs its workflow cancelled when it failed (the
 * workflow is no longer failed), and every job downstream of those that was skipped or cancelled
 * for it get a new BLOCKED execution, with their dependencies counted again; those with nothing left
 * to wait for are released at once. Returns the new execution of `jobId`.
 */
export async function resetForRetry(
  tx: Tx,
  job: { id: string; namespace: string; workflowId: string | null },
  now: Date,
): Promise<string> {
  const seeds = [job.id];
  if (job.workflowId !== null) {
    const failed = await tx.$queryRaw<{ id: string }[]>`
      WITH resumed AS (
        UPDATE workflows SET failed_at = NULL, updated_at = ${now}
         WHERE id = ${job.workflowId}::uuid AND failed_at IS NOT NULL
        RETURNING id
      )
      SELECT j.id FROM jobs j JOIN resumed r ON j.workflow_id = r.id
        JOIN LATERAL (SELECT x.status, x.last_error FROM executions x WHERE x.job_id = j.id ORDER BY x.id DESC LIMIT 1) l
          ON true
       WHERE l.status = 'CANCELLED' AND l.last_error->>'code' = 'workflow_failed'`;
    seeds.push(...failed.map((row) => row.id).filter((id) => id !== job.id));
  }
  const reset = await tx.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE reset(id) AS (
      SELECT unnest(${seeds}::uuid[])
      UNION
      SELECT d.job_id FROM job_dependencies d JOIN reset r ON d.depends_on_job_id = r.id
        JOIN LATERAL (SELECT x.status, x.last_error FROM executions x WHERE x.job_id = d.job_id ORDER BY x.id DESC LIMIT 1) l
          ON true
       WHERE l.status = 'SKIPPED' OR (l.status = 'CANCELLED' AND l.last_error->>'code' = 'workflow_failed')
    )
    SELECT id FROM reset`;
  const executions = new Map(reset.map((row) => [row.id, newId()]));
  await createExecutions(
    statementsIn(tx),
    [...executions].map(([jobId, executionId]) => ({
      id: executionId,
      jobId,
      namespace: job.namespace,
      status: ExecutionStatus.Blocked,
      scheduledFor: now,
    })),
    now,
  );
  const counted = await tx.$queryRaw<{ id: string; dependencies_remaining: number }[]>`
    UPDATE jobs c
       SET updated_at = ${now},
           dependencies_remaining = (
             SELECT count(*) FROM job_dependencies d
               JOIN LATERAL (SELECT x.status, x.dependents_notified FROM executions x
                              WHERE x.job_id = d.depends_on_job_id ORDER BY x.id DESC LIMIT 1) p ON true
              WHERE d.job_id = c.id
                AND (p.status = ANY(${UNFINISHED_STATUSES}::"ExecutionStatus"[]) OR NOT p.dependents_notified))
     WHERE c.id = ANY(${[...executions.keys()]}::uuid[])
    RETURNING c.id, c.dependencies_remaining`;
  await releaseReady(
    statementsIn(tx),
    counted.filter((row) => row.dependencies_remaining === 0).map((row) => row.id),
    now,
  );
  return executions.get(job.id) as string;
}

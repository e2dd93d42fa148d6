import { decideRelease, type DependencyFailurePolicy, ExecutionStatus, newId } from '@meridian/domain';

import { Prisma } from '../../generated/client/index.js';
import { type Statement, type StatementRunner, statementsIn } from '../sql-client.js';
import { createExecutions, releaseBlocked, skipBlocked } from './execution-transitions.js';
import { groupBy } from './group-by.js';
import { latestExecutionOf } from './latest-execution.js';
import { UNFINISHED_STATUSES } from './unfinished-executions.js';

/*
 * The dependency graph's writes that more than one repository makes: DependencyRepository settles
 * ends and releases dependents, WorkflowRepository stores edges and releases a job created with
 * nothing left to wait for, ExecutionRepository makes way for a retry. Each runs in its caller's
 * transaction.
 */

export type StoredDependencyPolicy = 'SKIP' | 'CONTINUE' | 'FAIL_WORKFLOW';

export const toStoredPolicy = (policy: DependencyFailurePolicy) => policy.toUpperCase() as StoredDependencyPolicy;
export const fromStoredPolicy = (policy: StoredDependencyPolicy) => policy.toLowerCase() as DependencyFailurePolicy;

/** The BLOCKED executions of the jobs $1. Reads only. */
const BLOCKED_OF_JOBS: Statement = {
  name: 'meridian_blocked_of_jobs',
  text: `SELECT id FROM executions WHERE job_id = ANY($1::uuid[]) AND status = 'BLOCKED'`,
};

/**
 * The edges into the BLOCKED executions of the jobs $1, with each dependency's key and how its
 * latest execution ended: what decideRelease decides on. Reads only.
 */
const EDGES_INTO_BLOCKED: Statement = {
  name: 'meridian_edges_into_blocked',
  text: `
    SELECT b.id AS execution_id, d.on_failure, COALESCE(p.workflow_key, p.id::text) AS key, latest.status
      FROM job_dependencies d
      JOIN executions b ON b.job_id = d.job_id AND b.status = 'BLOCKED'
      JOIN jobs p ON p.id = d.depends_on_job_id
      JOIN LATERAL ${latestExecutionOf('p.id', 'x.status')} latest ON true
     WHERE d.job_id = ANY($1::uuid[])`,
};

/**
 * Releases the BLOCKED executions of `jobIds` (jobs whose dependencies have all ended): each runs,
 * through the outbox, or is SKIPPED, as {@link decideRelease} says. Conditional on BLOCKED, so a
 * job released twice changes nothing the second time. Returns the execution ids of each kind.
 */
export async function releaseReady(
  tx: StatementRunner,
  jobIds: string[],
  now: Date,
): Promise<{ released: string[]; skipped: string[] }> {
  if (jobIds.length === 0) {
    return { released: [], skipped: [] };
  }
  const blocked = await tx.query<{ id: string }>(BLOCKED_OF_JOBS, [jobIds]);
  const edges = await tx.query<{
    execution_id: string;
    on_failure: StoredDependencyPolicy;
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

/** A job of a workflow, or a job created alone with dependencies, ready to be stored. */
export interface DependentJobRows {
  jobId: string;
  executionId: string;
  /** Ids of the jobs it depends on, with each edge's effective policy. */
  dependsOn: { jobId: string; onFailure: DependencyFailurePolicy }[];
}

/**
 * Stores the edges $1 → $2 (aligned) with their failure policies $3. Not idempotent (the edge's
 * key refuses a second copy): run once, in the transaction that creates the dependent job.
 */
const INSERT_EDGES: Statement = {
  name: 'meridian_insert_edges',
  text: `
    INSERT INTO job_dependencies (job_id, depends_on_job_id, on_failure)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::"DependencyFailurePolicy"[])`,
};

/** Stores the edges of `jobs` (their jobs and BLOCKED executions already exist). */
export async function insertEdges(tx: StatementRunner, jobs: DependentJobRows[]): Promise<void> {
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
 * Runs in the caller's transaction. Locks: the workflow row (when it un-fails it), the jobs whose
 * counts it sets, and what releaseReady locks. Not idempotent: each call makes new executions, so
 * the caller holds the job's row and retries only its latest execution, once that has ended.
 */
export async function resetForRetry(
  tx: Prisma.TransactionClient,
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
        JOIN LATERAL ${Prisma.raw(latestExecutionOf('j.id', 'x.status, x.last_error'))} l ON true
       WHERE l.status = 'CANCELLED' AND l.last_error->>'code' = 'workflow_failed'`;
    seeds.push(...failed.map((row) => row.id).filter((id) => id !== job.id));
  }
  const reset = await tx.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE reset(id) AS (
      SELECT unnest(${seeds}::uuid[])
      UNION
      SELECT d.job_id FROM job_dependencies d JOIN reset r ON d.depends_on_job_id = r.id
        JOIN LATERAL ${Prisma.raw(latestExecutionOf('d.job_id', 'x.status, x.last_error'))} l ON true
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
               JOIN LATERAL ${Prisma.raw(latestExecutionOf('d.depends_on_job_id', 'x.status, x.dependents_notified'))} p
                 ON true
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

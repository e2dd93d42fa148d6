import type { DependencyFailurePolicy, ExecutionStatus as Status, WorkflowStatus } from '@meridian/domain';

import type { ExecutionRecord } from '../records.js';
import type { Statement, StatementRunner } from '../sql-client.js';
import { latestExecutionOf } from './latest-execution.js';
import { jobCountsOf, jobTimesOf, type WorkflowJobCounts, workflowStatusOf } from './workflow-progress.js';

/*
 * The reads of a workflow that WorkflowRepository's methods share: a workflow with where it stands,
 * and with its jobs and edges, read with the pool or inside the transaction of a change.
 */

export interface WorkflowJobRecord {
  key: string;
  jobId: string;
  name: string;
  handler: string;
  /** The job's latest execution. */
  execution: Pick<
    ExecutionRecord,
    'id' | 'status' | 'attempt' | 'scheduledFor' | 'startedAt' | 'finishedAt' | 'result' | 'lastError'
  >;
}

/** A workflow with where it stands, without its jobs: as lists show it. */
export interface WorkflowSummaryRecord {
  id: string;
  namespace: string;
  name: string;
  failurePolicy: DependencyFailurePolicy;
  /** Derived from the marks below and its jobs' latest executions (see workflow-progress.ts). */
  status: WorkflowStatus;
  cancelledAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** When its first job started; null before any did. */
  startedAt: Date | null;
  /** When its last job ended, once the workflow has ended and every job with it; else null. */
  finishedAt: Date | null;
  jobCounts: WorkflowJobCounts;
}

/** A workflow with its jobs and edges. */
export interface WorkflowRecord extends WorkflowSummaryRecord {
  /** In dependency order. */
  jobs: WorkflowJobRecord[];
  edges: { from: string; to: string; onFailure: DependencyFailurePolicy }[];
}

/**
 * The workflows $1 of namespace $2, newest first, each with where it stands: its job counts, status
 * (workflow-progress.ts), and when it started and finished. Per workflow: a primary-key probe, one
 * row of `jobs` per job and one probe of the (job_id, id) index per job. Reads only.
 */
const WORKFLOW_SUMMARIES: Statement = {
  name: 'meridian_workflow_summaries',
  text: `
    SELECT s.*, CASE WHEN s.status <> 'RUNNING' AND s.unfinished = 0 THEN s.last_finished_at END AS finished_at
      FROM (
        SELECT w.id, w.namespace, w.name, w.failure_policy::text, w.cancelled_at, w.failed_at, w.created_at,
               w.updated_at, p.*, t.*, ${workflowStatusOf('w', 'p')} AS status
          FROM workflows w
          CROSS JOIN LATERAL ${jobCountsOf('w.id')} p
          CROSS JOIN LATERAL ${jobTimesOf('w.id')} t
         WHERE w.id = ANY($1::uuid[]) AND w.namespace = $2
      ) s
     ORDER BY s.id DESC`,
};

/** The jobs of workflow $1, each with its latest execution, in id order. */
const WORKFLOW_JOBS: Statement = {
  name: 'meridian_workflow_jobs',
  text: `
    SELECT j.id AS job_id, j.workflow_key AS key, j.name, j.handler, latest.*
      FROM jobs j
      JOIN LATERAL ${latestExecutionOf(
        'j.id',
        'x.id AS execution_id, x.status, x.attempt, x.scheduled_for, x.started_at, x.finished_at, x.result, x.last_error',
      )} latest ON true
     WHERE j.workflow_id = $1::uuid
     ORDER BY j.id`,
};

/** The edges of workflow $1, by key. */
const WORKFLOW_EDGES: Statement = {
  name: 'meridian_workflow_edges',
  text: `
    SELECT p.workflow_key AS "from", c.workflow_key AS "to", d.on_failure
      FROM job_dependencies d
      JOIN jobs c ON c.id = d.job_id
      JOIN jobs p ON p.id = d.depends_on_job_id
     WHERE c.workflow_id = $1::uuid
     ORDER BY c.id, p.id`,
};

/**
 * Workflow `id` of `namespace` with its jobs and edges, read with `runner`: the pool, or the
 * transaction of a change that records the workflow as it left it. Null when there is none.
 */
export async function readWorkflow(
  runner: StatementRunner,
  namespace: string,
  id: string,
): Promise<WorkflowRecord | null> {
  const [workflow] = await readSummaries(runner, namespace, [id]);
  if (workflow === undefined) {
    return null;
  }
  const jobs = await runner.query<{
    job_id: string;
    key: string;
    name: string;
    handler: string;
    execution_id: string;
    status: Status;
    attempt: number;
    scheduled_for: Date;
    started_at: Date | null;
    finished_at: Date | null;
    result: unknown;
    last_error: unknown;
  }>(WORKFLOW_JOBS, [id]);
  const edges = await runner.query<{ from: string; to: string; on_failure: string }>(WORKFLOW_EDGES, [id]);
  return {
    ...workflow,
    jobs: jobs.map((row) => ({
      key: row.key,
      jobId: row.job_id,
      name: row.name,
      handler: row.handler,
      execution: {
        id: row.execution_id,
        status: row.status,
        attempt: row.attempt,
        scheduledFor: row.scheduled_for,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        result: row.result,
        lastError: row.last_error,
      },
    })),
    edges: edges.map((edge) => ({
      from: edge.from,
      to: edge.to,
      onFailure: edge.on_failure.toLowerCase() as DependencyFailurePolicy,
    })),
  };
}

/** A workflow row with its progress, as WORKFLOW_SUMMARIES reads it. */
type SummaryRow = {
  id: string;
  namespace: string;
  name: string;
  failure_policy: string;
  cancelled_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  status: WorkflowStatus;
  started_at: Date | null;
  finished_at: Date | null;
} & WorkflowJobCounts;

/** The workflows `ids` of `namespace` with where each stands, newest first; unknown ids are left out. */
export async function readSummaries(
  runner: StatementRunner,
  namespace: string,
  ids: readonly string[],
): Promise<WorkflowSummaryRecord[]> {
  const rows = await runner.query<SummaryRow>(WORKFLOW_SUMMARIES, [ids, namespace]);
  return rows.map((row) => ({
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    failurePolicy: row.failure_policy.toLowerCase() as DependencyFailurePolicy,
    status: row.status,
    cancelledAt: row.cancelled_at,
    failedAt: row.failed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    jobCounts: {
      total: row.total,
      blocked: row.blocked,
      queued: row.queued,
      running: row.running,
      succeeded: row.succeeded,
      dead: row.dead,
      cancelled: row.cancelled,
      skipped: row.skipped,
    },
  }));
}

import { EXECUTION_STATUSES, type ExecutionStatus as Status, InvariantViolationError } from '@meridian/domain';

import { latestExecutionOf } from './latest-execution.js';
import { UNFINISHED_STATUSES } from './unfinished-executions.js';

/*
 * Where a workflow stands, from its jobs: how many are in each state, its status, and when it
 * started and finished. The one definition of a workflow's status, in SQL so that a listing can
 * filter on it: every read of a workflow (GET /v1/workflows/:id, the list, the audit entries of a
 * create or a cancel) takes it from here.
 */

/** The jobs of a workflow counted by the state of their latest execution, as a summary shows them. */
export const WORKFLOW_JOB_COUNT_GROUPS = {
  /** Waiting for their dependencies. */
  blocked: ['BLOCKED'],
  /** Waiting for a worker, delayed or queued. */
  queued: ['PENDING', 'QUEUED'],
  /** An attempt runs, or the next one waits for its backoff. */
  running: ['RUNNING', 'RETRYING'],
  succeeded: ['SUCCEEDED'],
  dead: ['DEAD'],
  cancelled: ['CANCELLED'],
  skipped: ['SKIPPED'],
} as const satisfies Record<string, readonly Status[]>;

export type WorkflowJobCountGroup = keyof typeof WORKFLOW_JOB_COUNT_GROUPS;
/** The jobs of a workflow: `total`, and as many in each group, which add up to it. */
export type WorkflowJobCounts = Record<WorkflowJobCountGroup | 'total', number>;

const grouped = Object.values(WORKFLOW_JOB_COUNT_GROUPS).flat() as Status[];
if (grouped.length !== EXECUTION_STATUSES.length || EXECUTION_STATUSES.some((status) => !grouped.includes(status))) {
  throw new InvariantViolationError('WORKFLOW_JOB_COUNT_GROUPS must hold every execution status exactly once');
}

const statusList = (statuses: readonly Status[]) => `'{${statuses.join(',')}}'::"ExecutionStatus"[]`;

/**
 * The counts of the jobs of workflow `workflowId` (an SQL expression naming it, a column of the
 * outer query), as a LATERAL subquery with one row: `total`, one column per group of
 * {@link WORKFLOW_JOB_COUNT_GROUPS}, and `unended`, those whose latest execution has not ended. Read
 * from `jobs.status`, the mirror of each job's latest execution kept in the same statement as every
 * move (execution-transitions.ts), so no execution is read. Served by the (workflow_id, workflow_key)
 * index, one row per job. Reads only.
 */
export const jobCountsOf = (workflowId: string) => `(
    SELECT count(*)::int AS total,
           ${Object.entries(WORKFLOW_JOB_COUNT_GROUPS)
             .map(
               ([group, statuses]) =>
                 `count(*) FILTER (WHERE j.status = ANY(${statusList(statuses)}))::int AS ${group}`,
             )
             .join(',\n           ')},
           count(*) FILTER (WHERE j.status = ANY(${statusList(UNFINISHED_STATUSES)}))::int AS unended
      FROM jobs j
     WHERE j.workflow_id = ${workflowId}
  )`;

/**
 * A workflow's status, from the workflow row `w` (its cancelled_at and failed_at marks) and the
 * counts `p` of {@link jobCountsOf}: CANCELLED once cancelled, FAILED once a `fail_workflow` edge
 * fired, RUNNING while any job has not ended, then SUCCEEDED if every job succeeded and FAILED
 * otherwise (a job ended DEAD, CANCELLED or SKIPPED). One of WORKFLOW_STATUSES, as text.
 */
export const workflowStatusOf = (w: string, p: string) => `
    CASE WHEN ${w}.cancelled_at IS NOT NULL THEN 'CANCELLED'
         WHEN ${w}.failed_at IS NOT NULL THEN 'FAILED'
         WHEN ${p}.unended > 0 THEN 'RUNNING'
         WHEN ${p}.succeeded = ${p}.total THEN 'SUCCEEDED'
         ELSE 'FAILED' END`;

/**
 * When the jobs of workflow `workflowId` ran, as a LATERAL subquery with one row: `started_at`, the
 * earliest start of their latest executions (null before any started), `last_finished_at`, the
 * latest end, and `unfinished`, how many have no end yet. One probe of the (job_id, id) index per
 * job. Reads only.
 */
export const jobTimesOf = (workflowId: string) => `(
    SELECT min(e.started_at) AS started_at, max(e.finished_at) AS last_finished_at,
           count(*) FILTER (WHERE e.finished_at IS NULL)::int AS unfinished
      FROM jobs j
      JOIN LATERAL ${latestExecutionOf('j.id', 'x.started_at, x.finished_at')} e ON true
     WHERE j.workflow_id = ${workflowId}
  )`;

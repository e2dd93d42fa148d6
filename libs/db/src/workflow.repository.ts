import {
  type DependencyFailurePolicy,
  type ExecutionStatus as Status,
  isTerminal,
  type JobSpec,
  newId,
  type WorkflowSpec,
} from '@meridian/domain';

import { appendAuditEntries, type AuditOf } from './internal/audit-entries.js';
import { type DependentJobRows, insertEdges, releaseReady, toStoredPolicy } from './internal/dependency-graph.js';
import { cancelExecutions } from './internal/execution-transitions.js';
import { insertJobs } from './internal/job-insert.js';
import { findJobsWithLatestExecution } from './internal/job-reads.js';
import { latestExecutionOf } from './internal/latest-execution.js';
import { byQueue } from './internal/unfinished-executions.js';
import type { Database } from './postgres.js';
import type { CancelledExecutions, ExecutionRecord, JobWithLatestExecution } from './records.js';
import { type SqlClient, type Statement, type StatementRunner, statementsIn } from './sql-client.js';

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

export interface WorkflowRecord {
  id: string;
  namespace: string;
  name: string;
  failurePolicy: DependencyFailurePolicy;
  cancelledAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** In dependency order. */
  jobs: WorkflowJobRecord[];
  edges: { from: string; to: string; onFailure: DependencyFailurePolicy }[];
}

/** A job created alone that depends on existing jobs. */
export interface NewDependentJob {
  jobId: string;
  executionId: string;
  namespace: string;
  spec: JobSpec;
  dependsOn: { jobId: string; onFailure: DependencyFailurePolicy }[];
  idempotencyKey: string | null;
  requestHash: string | null;
}

export type CreateDependentJobResult =
  | {
      kind: 'created';
      /** Ended executions of the dependencies that no dependent has counted yet: settle them next. */
      unsettled: string[];
    }
  | { kind: 'idempotency_key_taken' }
  /** Some dependencies do not exist in the namespace, or are recurring (which never end). */
  | { kind: 'invalid_dependencies'; unknown: string[]; recurring: string[] };

/** Stores workflow $1 of namespace $2, named $3, with failure policy $4, at $5. */
const INSERT_WORKFLOW: Statement = {
  name: 'meridian_insert_workflow',
  text: `
    INSERT INTO workflows (id, namespace, name, failure_policy, created_at, updated_at)
    VALUES ($1::uuid, $2, $3, $4::"DependencyFailurePolicy", $5, $5)`,
};

/** Workflow $1 of namespace $2. */
const FIND_WORKFLOW: Statement = {
  name: 'meridian_find_workflow',
  text: `
    SELECT id, namespace, name, failure_policy::text, cancelled_at, failed_at, created_at, updated_at
      FROM workflows WHERE id = $1::uuid AND namespace = $2`,
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

/** Workflows: a graph of jobs stored in one transaction, read back with each job's state, cancelled. */
export class WorkflowRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /**
   * Stores a workflow: the workflow row, its jobs, one execution each (PENDING with an outbox row
   * for the jobs without dependencies, BLOCKED with its count of dependencies for the others) and
   * the edges, in one transaction. Returns the workflow as it committed, read at the end of the
   * transaction, from which `audit` makes the entry written there too.
   */
  async create(
    namespace: string,
    spec: WorkflowSpec,
    now: Date = new Date(),
    audit?: AuditOf<WorkflowRecord>,
  ): Promise<WorkflowRecord> {
    const workflowId = newId();
    const ids = new Map(spec.nodes.map((node) => [node.key, { jobId: newId(), executionId: newId() }]));
    const idsOf = (key: string) => ids.get(key) as { jobId: string; executionId: string };
    const rows: DependentJobRows[] = spec.nodes.map((node) => ({
      ...idsOf(node.key),
      dependsOn: node.dependsOn.map((dependency) => ({
        jobId: idsOf(dependency.key).jobId,
        onFailure: dependency.onFailure ?? spec.failurePolicy,
      })),
    }));
    return this.sql.transaction(async (tx) => {
      await tx.query(INSERT_WORKFLOW, [workflowId, namespace, spec.name, toStoredPolicy(spec.failurePolicy), now]);
      await insertJobs(
        tx,
        spec.nodes.map((node) => ({
          kind: 'one_off',
          ...idsOf(node.key),
          namespace,
          spec: node.job,
          idempotencyKey: null,
          requestHash: null,
          createdAt: now,
          workflow: { id: workflowId, key: node.key },
          ...(node.dependsOn.length > 0 ? { blockedOn: node.dependsOn.length } : {}),
        })),
      );
      await insertEdges(tx, rows);
      const created = (await readWorkflow(tx, namespace, workflowId)) as WorkflowRecord;
      if (audit !== undefined) {
        await appendAuditEntries(tx, [audit(created)], now);
      }
      return created;
    });
  }

  /**
   * Stores a job that depends on existing jobs of its namespace, with a BLOCKED execution counting
   * the dependencies that have not ended, or whose end no dependent has counted yet (the caller
   * settles those next, which counts them down here too). Locks the dependencies' latest executions
   * (FOR SHARE) so none can end unseen between the count and the commit. A job whose dependencies
   * have all ended and been counted is released at once. `audit` makes the entry from the job as
   * created, written in the same transaction.
   */
  async createDependentJob(
    input: NewDependentJob,
    now: Date = new Date(),
    audit?: AuditOf<JobWithLatestExecution>,
  ): Promise<CreateDependentJobResult> {
    const wanted = input.dependsOn.map((dependency) => dependency.jobId);
    return this.db.$transaction(async (tx) => {
      const jobs = await tx.$queryRaw<{ id: string; recurring: boolean }[]>`
        SELECT id, schedule_state IS NOT NULL AS recurring
          FROM jobs WHERE id = ANY(${wanted}::uuid[]) AND namespace = ${input.namespace}`;
      const found = new Set(jobs.map((job) => job.id));
      const unknown = wanted.filter((id) => !found.has(id));
      const recurring = jobs.filter((job) => job.recurring).map((job) => job.id);
      if (unknown.length > 0 || recurring.length > 0) {
        return { kind: 'invalid_dependencies', unknown, recurring };
      }
      const latest = await tx.$queryRaw<{ job_id: string; id: string; status: Status; dependents_notified: boolean }[]>`
        SELECT e.job_id, e.id, e.status, e.dependents_notified
          FROM executions e
         WHERE e.job_id = ANY(${wanted}::uuid[])
           AND NOT EXISTS (SELECT 1 FROM executions x WHERE x.job_id = e.job_id AND x.id > e.id)
           FOR SHARE OF e`;
      const uncounted = latest.filter((row) => !isTerminal(row.status) || !row.dependents_notified);
      const [inserted] = await insertJobs(statementsIn(tx), [
        {
          kind: 'one_off',
          jobId: input.jobId,
          executionId: input.executionId,
          namespace: input.namespace,
          spec: input.spec,
          idempotencyKey: input.idempotencyKey,
          requestHash: input.requestHash,
          createdAt: now,
          blockedOn: uncounted.length,
        },
      ]);
      if (inserted === null) {
        return { kind: 'idempotency_key_taken' };
      }
      await insertEdges(statementsIn(tx), [input]);
      if (uncounted.length === 0) {
        await releaseReady(statementsIn(tx), [input.jobId], now);
      }
      if (audit !== undefined) {
        const [created] = await findJobsWithLatestExecution(statementsIn(tx), input.namespace, [input.jobId]);
        await appendAuditEntries(statementsIn(tx), created === undefined ? [] : [audit(created)], now);
      }
      return {
        kind: 'created',
        unsettled: uncounted.filter((row) => !!isTerminal(row.status)).map((row) => row.id),
      };
    });
  }

  async find(namespace: string, id: string): Promise<WorkflowRecord | null> {
    return readWorkflow(this.sql, namespace, id);
  }

  /**
   * Cancels a workflow: marks it, and cancels every execution of its jobs that has not ended, running
   * ones included. Returns the cancelled executions by queue, for the caller to tell Redis and to
   * settle; `not_found`, or `not_cancellable` when it was cancelled before or has nothing left to run.
   * `audit` makes the entry from the workflow as cancelled, read and written in the same transaction.
   */
  async cancel(
    namespace: string,
    id: string,
    now: Date = new Date(),
    audit?: AuditOf<WorkflowRecord>,
  ): Promise<CancelledExecutions[] | 'not_found' | 'not_cancellable'> {
    return this.db.$transaction(async (tx) => {
      const workflow = await tx.$queryRaw<{ cancelled_at: Date | null }[]>`
        SELECT cancelled_at FROM workflows WHERE id = ${id}::uuid AND namespace = ${namespace} FOR UPDATE`;
      if (workflow[0] === undefined) {
        return 'not_found';
      }
      if (workflow[0].cancelled_at !== null) {
        return 'not_cancellable';
      }
      const cancelled = await cancelExecutions(statementsIn(tx), { workflowId: id }, now);
      if (cancelled.length === 0) {
        return 'not_cancellable';
      }
      await tx.workflow.update({ where: { id }, data: { cancelledAt: now } });
      if (audit !== undefined) {
        const after = (await readWorkflow(statementsIn(tx), namespace, id)) as WorkflowRecord;
        await appendAuditEntries(statementsIn(tx), [audit(after)], now);
      }
      return byQueue(cancelled);
    });
  }
}

/**
 * Workflow `id` of `namespace` with its jobs and edges, read with `runner`: the pool, or the
 * transaction of a change that records the workflow as it left it. Null when there is none.
 */
async function readWorkflow(runner: StatementRunner, namespace: string, id: string): Promise<WorkflowRecord | null> {
  const [workflow] = await runner.query<{
    id: string;
    namespace: string;
    name: string;
    failure_policy: string;
    cancelled_at: Date | null;
    failed_at: Date | null;
    created_at: Date;
    updated_at: Date;
  }>(FIND_WORKFLOW, [id, namespace]);
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
    id: workflow.id,
    namespace: workflow.namespace,
    name: workflow.name,
    failurePolicy: workflow.failure_policy.toLowerCase() as DependencyFailurePolicy,
    cancelledAt: workflow.cancelled_at,
    failedAt: workflow.failed_at,
    createdAt: workflow.created_at,
    updatedAt: workflow.updated_at,
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

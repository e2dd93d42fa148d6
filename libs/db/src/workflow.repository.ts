import {
  type DependencyFailurePolicy,
  type ExecutionStatus as Status,
  isTerminal,
  type JobSpec,
  newId,
  type WorkflowSpec,
  type WorkflowStatus,
} from '@meridian/domain';

import { appendAuditEntries, type AuditOf } from './internal/audit-entries.js';
import { type DependentJobRows, insertEdges, releaseReady, toStoredPolicy } from './internal/dependency-graph.js';
import { cancelExecutions } from './internal/execution-transitions.js';
import { insertJobs } from './internal/job-insert.js';
import { findJobsWithLatestExecution } from './internal/job-reads.js';
import { decodeCursor, encodeCursor, toPage } from './internal/pagination.js';
import { byQueue } from './internal/unfinished-executions.js';
import { jobCountsOf, workflowStatusOf } from './internal/workflow-progress.js';
import {
  readSummaries,
  readWorkflow,
  type WorkflowRecord,
  type WorkflowSummaryRecord,
} from './internal/workflow-reads.js';
import type { Database } from './postgres.js';
import type { CancelledExecutions, JobWithLatestExecution, Page } from './records.js';
import { type SqlClient, type Statement, statementsIn } from './sql-client.js';

export type { WorkflowJobCounts } from './internal/workflow-progress.js';
export type { WorkflowJobRecord, WorkflowRecord, WorkflowSummaryRecord } from './internal/workflow-reads.js';

/** Most workflows one page of a status-filtered listing reads (see {@link WorkflowRepository.list}). */
export const WORKFLOW_STATUS_SCAN_LIMIT = 1000;

export interface WorkflowFilter {
  namespace: string;
  status?: WorkflowStatus;
  cursor?: string;
  limit: number;
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

/** Above every UUIDv7: where a listing without a cursor starts. */
const NEWEST = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * A page of the ids of namespace $1's workflows older than $2, newest first: of the $3 newest of
 * them, the first $5 whose status (workflow-progress.ts) is $4, or all when $4 is null. Walks the
 * (namespace, id) index newest first and counts each workflow's jobs (their rows in `jobs`, through
 * the (workflow_id, workflow_key) index) as it goes, stopping at $5 matches: the subquery hands its
 * rows over in id order, so nothing is sorted. Reads only.
 */
const LIST_WORKFLOW_IDS: Statement = {
  name: 'meridian_list_workflow_ids',
  text: `
    SELECT w.id
      FROM (SELECT id, cancelled_at, failed_at FROM workflows
             WHERE namespace = $1 AND id < $2::uuid ORDER BY id DESC LIMIT $3) w
      CROSS JOIN LATERAL ${jobCountsOf('w.id')} p
     WHERE $4::text IS NULL OR ${workflowStatusOf('w', 'p')} = $4::text
     ORDER BY w.id DESC
     LIMIT $5`,
};

/**
 * The $3-th newest workflow of namespace $1 older than $2, if there are that many: the last one a
 * status-filtered page read, where the next page goes on from. An index-only scan. Reads only.
 */
const LAST_SCANNED_WORKFLOW: Statement = {
  name: 'meridian_last_scanned_workflow',
  text: `SELECT id FROM workflows WHERE namespace = $1 AND id < $2::uuid ORDER BY id DESC OFFSET $3 - 1 LIMIT 1`,
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
   * The namespace's workflows, newest first, each with where it stands but without its jobs. A status
   * filter has no index (the status is derived from the jobs): a page reads at most
   * {@link WORKFLOW_STATUS_SCAN_LIMIT} workflows, newest first, and keeps those with the status, so
   * it can hold fewer than `limit`, even none, and still have a cursor, which goes on from the last
   * workflow read.
   */
  async list(filter: WorkflowFilter): Promise<Page<WorkflowSummaryRecord>> {
    const before = decodeCursor(filter.cursor) ?? NEWEST;
    const status = filter.status ?? null;
    const scan = status === null ? filter.limit + 1 : WORKFLOW_STATUS_SCAN_LIMIT;
    const ids = await this.sql.query<{ id: string }>(LIST_WORKFLOW_IDS, [
      filter.namespace,
      before,
      scan,
      status,
      filter.limit + 1,
    ]);
    const rows =
      ids.length === 0
        ? []
        : await readSummaries(
            this.sql,
            filter.namespace,
            ids.map((row) => row.id),
          );
    const page = toPage(rows, filter.limit, (row) => row);
    if (status === null || page.nextCursor !== null) {
      return page;
    }
    const [lastRead] = await this.sql.query<{ id: string }>(LAST_SCANNED_WORKFLOW, [filter.namespace, before, scan]);
    return lastRead === undefined ? page : { ...page, nextCursor: encodeCursor(lastRead.id) };
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

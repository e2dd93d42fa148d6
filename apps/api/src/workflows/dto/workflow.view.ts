import type { WorkflowRecord, WorkflowSummaryRecord } from '@meridian/db';
import { DEPENDENCY_FAILURE_POLICIES, WORKFLOW_STATUSES } from '@meridian/domain';
import { z } from 'zod';

import {
  attemptErrorSchema,
  type AttemptErrorView,
  executionStatusSchema,
} from '../../executions/dto/execution.view.js';

const iso = z.iso.datetime();

/** A job of a workflow with the state of its latest execution. */
export const workflowJobViewSchema = z.object({
  key: z.string(),
  jobId: z.uuid(),
  name: z.string(),
  handler: z.string(),
  status: executionStatusSchema.describe("Its latest execution's status"),
  executionId: z.uuid(),
  attempt: z.int().min(0),
  scheduledFor: iso,
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  result: z.unknown().describe("The handler's return value once SUCCEEDED, else null"),
  lastError: attemptErrorSchema.nullable(),
});

/** A dependency between two jobs of a workflow. */
export const workflowEdgeViewSchema = z.object({
  from: z.string().describe('The key of the job that runs first'),
  to: z.string().describe('The key of the job that depends on it'),
  onFailure: z.enum(DEPENDENCY_FAILURE_POLICIES),
});

/** Where a workflow stands, from its jobs. */
export const workflowStatusSchema = z
  .enum(WORKFLOW_STATUSES)
  .describe(
    'CANCELLED once cancelled, FAILED once a fail_workflow edge fired; else RUNNING while a job has not ended, ' +
      'then SUCCEEDED if every job succeeded and FAILED otherwise.',
  );

const count = (description: string) => z.int().min(0).describe(description);

/** How many of a workflow's jobs are where, by their latest execution's status; the groups add up to `total`. */
export const workflowJobCountsViewSchema = z.object({
  total: count('Jobs of the workflow'),
  blocked: count('Waiting for their dependencies (BLOCKED)'),
  queued: count('Waiting for a worker: PENDING or QUEUED, delayed ones among them'),
  running: count('RUNNING, or RETRYING: waiting for the backoff before their next attempt'),
  succeeded: count('SUCCEEDED'),
  dead: count('DEAD: failed every attempt they had, or failed for good'),
  cancelled: count('CANCELLED, by a cancel or because a fail_workflow edge fired'),
  skipped: count('SKIPPED because a dependency did not succeed'),
});

/** A workflow without its jobs and edges: as `GET /v1/workflows` lists it. */
export const workflowSummaryViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: workflowStatusSchema,
  failurePolicy: z.enum(DEPENDENCY_FAILURE_POLICIES),
  createdAt: iso,
  startedAt: iso.nullable().describe('When its first job started'),
  finishedAt: iso.nullable().describe('When its last job ended, once the workflow has ended'),
  jobCounts: workflowJobCountsViewSchema,
});
export type WorkflowSummaryView = z.infer<typeof workflowSummaryViewSchema>;

export const workflowViewSchema = workflowSummaryViewSchema.extend({
  jobs: z.array(workflowJobViewSchema),
  edges: z.array(workflowEdgeViewSchema),
});
export type WorkflowView = z.infer<typeof workflowViewSchema>;

export const workflowPageSchema = z.object({
  items: z.array(workflowSummaryViewSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null after the last'),
});

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

export function toWorkflowSummaryView(workflow: WorkflowSummaryRecord): WorkflowSummaryView {
  return {
    id: workflow.id,
    name: workflow.name,
    status: workflow.status,
    failurePolicy: workflow.failurePolicy,
    createdAt: workflow.createdAt.toISOString(),
    startedAt: isoOrNull(workflow.startedAt),
    finishedAt: isoOrNull(workflow.finishedAt),
    jobCounts: { ...workflow.jobCounts },
  };
}

export function toWorkflowView(workflow: WorkflowRecord): WorkflowView {
  return {
    ...toWorkflowSummaryView(workflow),
    jobs: workflow.jobs.map((job) => ({
      key: job.key,
      jobId: job.jobId,
      name: job.name,
      handler: job.handler,
      status: job.execution.status,
      executionId: job.execution.id,
      attempt: job.execution.attempt,
      scheduledFor: job.execution.scheduledFor.toISOString(),
      startedAt: isoOrNull(job.execution.startedAt),
      finishedAt: isoOrNull(job.execution.finishedAt),
      result: job.execution.result ?? null,
      lastError: (job.execution.lastError ?? null) as AttemptErrorView | null,
    })),
    edges: workflow.edges,
  };
}

import type { WorkflowRecord } from '@meridian/db';
import { DEPENDENCY_FAILURE_POLICIES, WORKFLOW_STATUSES, workflowStatus } from '@meridian/domain';
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

export const workflowViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  failurePolicy: z.enum(DEPENDENCY_FAILURE_POLICIES),
  createdAt: iso,
  startedAt: iso.nullable().describe('When its first job started'),
  finishedAt: iso.nullable().describe('When its last job ended, once the workflow has ended'),
  jobs: z.array(workflowJobViewSchema),
  edges: z.array(workflowEdgeViewSchema),
});
export type WorkflowView = z.infer<typeof workflowViewSchema>;

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

export function toWorkflowView(workflow: WorkflowRecord): WorkflowView {
  const status = workflowStatus(
    workflow.jobs.map((job) => job.execution.status),
    workflow,
  );
  const started = workflow.jobs.flatMap((job) => (job.execution.startedAt === null ? [] : [job.execution.startedAt]));
  const finished = workflow.jobs.flatMap((job) =>
    job.execution.finishedAt === null ? [] : [job.execution.finishedAt],
  );
  const ended = status !== 'RUNNING' && workflow.jobs.every((job) => job.execution.finishedAt !== null);
  return {
    id: workflow.id,
    name: workflow.name,
    status,
    failurePolicy: workflow.failurePolicy,
    createdAt: workflow.createdAt.toISOString(),
    startedAt: started.length === 0 ? null : new Date(Math.min(...started.map(Number))).toISOString(),
    finishedAt: ended && finished.length > 0 ? new Date(Math.max(...finished.map(Number))).toISOString() : null,
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

import type { Workflow } from '@meridian/client';

import { describeError } from './executions.view.js';
import { renderDetails, renderTable } from './table.js';
import { formatInstant, formatInstantFromNow } from './time-format.js';

/** A workflow with one row a job and its edges. */
export function renderWorkflowDetails(workflow: Workflow, now: Date = new Date()): string {
  const details = renderDetails([
    ['Workflow', workflow.id],
    ['Name', workflow.name],
    ['Status', workflow.status],
    ['Failure policy', workflow.failurePolicy],
    ['Created', formatInstantFromNow(workflow.createdAt, now)],
    ['Started', formatInstantFromNow(workflow.startedAt, now)],
    ['Finished', formatInstantFromNow(workflow.finishedAt, now)],
  ]);
  const jobs = renderTable(
    ['key', 'job', 'name', 'handler', 'status', 'attempt', 'started', 'finished', 'last error'],
    workflow.jobs.map((job) => [
      job.key,
      job.jobId,
      job.name,
      job.handler,
      job.status,
      String(job.attempt),
      formatInstant(job.startedAt),
      formatInstant(job.finishedAt),
      job.lastError === null ? '-' : describeError(job.lastError),
    ]),
  );
  const edges =
    workflow.edges.length === 0
      ? 'No dependencies.'
      : renderTable(
          ['from', 'to', 'on failure'],
          workflow.edges.map((edge) => [edge.from, edge.to, edge.onFailure]),
        );
  return `${details}\n\n${jobs}\n\n${edges}`;
}

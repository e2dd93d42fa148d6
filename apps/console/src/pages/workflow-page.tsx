import { unwrap } from '@meridian/client/browser';
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { ActionButton } from '../components/action-button.js';
import { ErrorNote, Loading } from '../components/error-note.js';
import { ExecutionDetail } from '../components/execution-detail.js';
import { StatusBadge } from '../components/status-badge.js';
import { WorkflowGraph } from '../components/workflow-graph.js';
import { between, formatDuration, formatInstant } from '../format.js';

/** A workflow: its graph with each job's state, live while it runs, and what each job did. */
export function WorkflowPage({ id }: { id: string }): preact.JSX.Element {
  const { client } = useSession();
  const workflow = usePolled(
    async (signal) => unwrap(await client.GET('/v1/workflows/{id}', { params: { path: { id } }, signal })),
    [id],
    2000,
  );
  const [selected, setSelected] = useState<string | null>(null);

  if (workflow.data === undefined) {
    return workflow.error === undefined ? <Loading what="the workflow" /> : <ErrorNote error={workflow.error} />;
  }
  const data = workflow.data;
  const selectedJob = data.jobs.find((job) => job.key === selected);
  return (
    <article aria-labelledby="workflow-title">
      <p class="crumbs">
        <Link href="/workflows">Workflows</Link> /
      </p>
      <header class="row">
        <h1 id="workflow-title">
          {data.name} <StatusBadge status={data.status} />
        </h1>
        <div class="actions">
          <ActionButton
            label="Cancel workflow"
            danger
            disabled={data.status !== 'RUNNING'}
            confirm={
              <p>
                Cancel every job of <strong>{data.name}</strong> that has not ended? Running ones get their abort
                signal; waiting ones never run.
              </p>
            }
            run={async () => unwrap(await client.POST('/v1/workflows/{id}/cancel', { params: { path: { id } } }))}
            onDone={workflow.refresh}
          />
        </div>
      </header>
      <ErrorNote error={workflow.error} />
      <p class="muted">
        Failure policy <code>{data.failurePolicy}</code> · created {formatInstant(data.createdAt)}
        {data.finishedAt !== null &&
          ` · took ${formatDuration(between(data.startedAt ?? data.createdAt, data.finishedAt))}`}
      </p>
      <WorkflowGraph workflow={data} selected={selected} onSelect={setSelected} />
      <table class="list">
        <caption>Jobs of the workflow</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Status</th>
            <th scope="col">Handler</th>
            <th scope="col">Attempts</th>
            <th scope="col">Runs after</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {data.jobs.map((job) => (
            <tr key={job.key} aria-selected={selected === job.key}>
              <td>
                <button type="button" class="link" onClick={() => setSelected(job.key)}>
                  {job.key}
                </button>
              </td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td>
                <code>{job.handler}</code>
              </td>
              <td>{job.attempt}</td>
              <td>
                {data.edges
                  .filter((edge) => edge.to === job.key)
                  .map((edge) => edge.from)
                  .join(', ') || '—'}
              </td>
              <td>{job.lastError === null ? '—' : <code>{job.lastError.code}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selectedJob !== undefined && (
        <section aria-label={`Job ${selectedJob.key}`} class="panel">
          <h2>
            {selectedJob.key}{' '}
            <Link href={`/jobs/${selectedJob.jobId}`} class="muted">
              (job page)
            </Link>
          </h2>
          <ExecutionDetail id={selectedJob.executionId} onChanged={workflow.refresh} />
        </section>
      )}
    </article>
  );
}

import { type Job, unwrap } from '@meridian/client/browser';
import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { ActionButton } from '../components/action-button.js';
import { ErrorNote, Loading } from '../components/error-note.js';
import { ExecutionDetail } from '../components/execution-detail.js';
import { JsonBlock } from '../components/json-block.js';
import { Pager, useCursorPager } from '../components/pager.js';
import { SchedulePanel } from '../components/schedule-panel.js';
import { isFinal, StatusBadge } from '../components/status-badge.js';
import { formatDuration, formatInstant, formatRelative } from '../format.js';

/** A job: what it is, its schedule if it recurs, its executions with their attempts, and actions. */
export function JobPage({ id }: { id: string }): preact.JSX.Element {
  const { client } = useSession();
  const job = usePolled(
    async (signal) => unwrap(await client.GET('/v1/jobs/{id}', { params: { path: { id } }, signal })),
    [id],
  );
  const [shownExecution, setShownExecution] = useState<string | null>(null);
  const [, navigate] = useLocation();

  if (job.data === undefined) {
    return job.error === undefined ? <Loading what="the job" /> : <ErrorNote error={job.error} />;
  }
  const data = job.data;
  return (
    <article aria-labelledby="job-title">
      <p class="crumbs">
        <Link href="/jobs">Jobs</Link> /
      </p>
      <header class="row">
        <h1 id="job-title">
          {data.name} <StatusBadge status={data.status} />
        </h1>
        <div class="actions">
          <ActionButton
            label="Cancel job"
            danger
            disabled={data.schedule === null && isFinal(data.status)}
            confirm={
              <p>
                Cancel <strong>{data.name}</strong>? Queued and waiting runs never start; a running attempt gets its
                abort signal.
                {data.schedule !== null && ' The schedule keeps running: pause or delete the job to stop it.'}
              </p>
            }
            run={async () => unwrap(await client.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }))}
            onDone={job.refresh}
          />
          <ActionButton
            label="Delete job"
            danger
            confirm={
              <p>
                Delete <strong>{data.name}</strong> with its history? Runs in progress are cancelled first. This cannot
                be undone.
              </p>
            }
            run={async () => unwrap(await client.DELETE('/v1/jobs/{id}', { params: { path: { id } } }))}
            onDone={() => navigate('/jobs')}
          />
        </div>
      </header>
      <ErrorNote error={job.error} />
      <JobSpecification job={data} />
      {data.schedule !== null && (
        <SchedulePanel job={data} onChanged={job.refresh} onShowExecution={setShownExecution} />
      )}
      <ExecutionList jobId={id} shown={shownExecution} onShow={setShownExecution} onChanged={job.refresh} />
    </article>
  );
}

function JobSpecification({ job }: { job: Job }) {
  const { retry } = job;
  return (
    <section aria-labelledby="spec-title">
      <h2 id="spec-title">Specification</h2>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{job.id}</code>
        </dd>
        <dt>Handler</dt>
        <dd>
          <code>{job.handler}</code>
        </dd>
        <dt>Queue</dt>
        <dd>
          {job.queue} (priority {job.priority})
        </dd>
        <dt>Timeout</dt>
        <dd>{formatDuration(job.timeoutMs)}</dd>
        <dt>Retry</dt>
        <dd>
          up to {retry.maxAttempts} attempts, {retry.backoff.type} backoff from {formatDuration(retry.backoff.delayMs)}{' '}
          to {formatDuration(retry.backoff.maxDelayMs)}
          {retry.backoff.jitter > 0 && `, jitter ${Math.round(retry.backoff.jitter * 100)} %`}
        </dd>
        {job.runAt !== null && (
          <>
            <dt>Runs at</dt>
            <dd>{formatInstant(job.runAt)}</dd>
          </>
        )}
        {job.idempotencyKey !== null && (
          <>
            <dt>Idempotency key</dt>
            <dd>
              <code>{job.idempotencyKey}</code>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>
          {formatInstant(job.createdAt)} ({formatRelative(job.createdAt)})
        </dd>
      </dl>
      <details>
        <summary>Payload</summary>
        <JsonBlock value={job.payload} label="Payload" />
      </details>
    </section>
  );
}

interface ExecutionListProps {
  jobId: string;
  shown: string | null;
  onShow: (executionId: string | null) => void;
  onChanged: () => void;
}

function ExecutionList({ jobId, shown, onShow, onChanged }: ExecutionListProps) {
  const { client } = useSession();
  const pager = useCursorPager();
  const executions = usePolled(
    async (signal) =>
      unwrap(
        await client.GET('/v1/jobs/{id}/executions', {
          params: { path: { id: jobId }, query: { limit: 20, cursor: pager.cursor } },
          signal,
        }),
      ),
    [jobId, pager.cursor],
  );
  return (
    <section aria-labelledby="executions-title" id="executions">
      <h2 id="executions-title">Executions</h2>
      <ErrorNote error={executions.error} />
      {executions.data === undefined ? (
        <Loading what="executions" />
      ) : (
        <table class="list">
          <caption class="visually-hidden">Executions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Execution</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Scheduled for</th>
              <th scope="col">Finished</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {executions.data.items.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  No execution yet.
                </td>
              </tr>
            )}
            {executions.data.items.map((execution) => (
              <tr key={execution.id} aria-selected={shown === execution.id}>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-expanded={shown === execution.id}
                    aria-controls="execution-detail"
                    onClick={() => onShow(shown === execution.id ? null : execution.id)}
                  >
                    <code>{execution.id.slice(0, 8)}</code>
                  </button>
                </td>
                <td>
                  <StatusBadge status={execution.status} />
                </td>
                <td>{execution.attempt}</td>
                <td>{formatInstant(execution.nominalTime ?? execution.scheduledFor)}</td>
                <td>{formatInstant(execution.finishedAt)}</td>
                <td>{execution.lastError === null ? '—' : <code>{execution.lastError.code}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        pageNumber={pager.pageNumber}
        nextCursor={executions.data?.nextCursor}
        onNext={pager.next}
        onPrevious={pager.previous}
      />
      <div id="execution-detail">
        {shown !== null && (
          <ExecutionDetail
            id={shown}
            onChanged={() => {
              executions.refresh();
              onChanged();
            }}
          />
        )}
      </div>
    </section>
  );
}

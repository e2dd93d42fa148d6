import { unwrap } from '@meridian/client/browser';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { between, formatDuration, formatInstant } from '../format.js';
import { ActionButton } from './action-button.js';
import { ErrorNote, Loading } from './error-note.js';
import { JsonBlock } from './json-block.js';
import { isFinal, StatusBadge } from './status-badge.js';

/** Statuses a retry starts again from (POST /v1/executions/{id}/retry). */
const RETRYABLE = new Set(['DEAD', 'CANCELLED']);

/** One execution with every attempt: outcome, duration, worker, error; its result; and retry. */
export function ExecutionDetail({ id, onChanged }: { id: string; onChanged?: () => void }) {
  const { client } = useSession();
  const execution = usePolled(
    async (signal) =>
      unwrap(
        await client.GET('/v1/executions/{id}', { params: { path: { id }, query: { attemptsLimit: 100 } }, signal }),
      ),
    [id],
    2000,
  );
  const data = execution.data;
  if (data === undefined) {
    return execution.error === undefined ? <Loading what="the execution" /> : <ErrorNote error={execution.error} />;
  }
  return (
    <section class="execution" aria-label={`Execution ${id}`}>
      <header class="row">
        <h3>
          Execution <code>{data.id}</code> <StatusBadge status={data.status} />
        </h3>
        {RETRYABLE.has(data.status) && (
          <ActionButton
            label="Retry execution"
            run={async () => unwrap(await client.POST('/v1/executions/{id}/retry', { params: { path: { id } } }))}
            onDone={() => {
              execution.refresh();
              onChanged?.();
            }}
          />
        )}
      </header>
      <dl class="facts">
        <dt>Scheduled for</dt>
        <dd>{formatInstant(data.scheduledFor)}</dd>
        {data.nominalTime !== null && (
          <>
            <dt>Nominal time</dt>
            <dd>{formatInstant(data.nominalTime)}</dd>
          </>
        )}
        <dt>Started</dt>
        <dd>{formatInstant(data.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatInstant(data.finishedAt)}</dd>
        {data.nextAttemptAt !== null && !isFinal(data.status) && (
          <>
            <dt>Next attempt</dt>
            <dd>{formatInstant(data.nextAttemptAt)}</dd>
          </>
        )}
      </dl>
      <table class="list attempts">
        <caption>Attempts</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Outcome</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Worker</th>
            <th scope="col">Error</th>
            <th scope="col">Retry after</th>
          </tr>
        </thead>
        <tbody>
          {data.attempts.length === 0 && (
            <tr>
              <td colSpan={7} class="muted">
                No attempt yet.
              </td>
            </tr>
          )}
          {data.attempts.map((attempt) => (
            <tr key={attempt.attempt}>
              <td>{attempt.attempt}</td>
              <td>
                <StatusBadge status={attempt.outcome} />
              </td>
              <td>{formatInstant(attempt.startedAt)}</td>
              <td>{formatDuration(attempt.durationMs ?? between(attempt.startedAt, attempt.finishedAt))}</td>
              <td>
                <code>{attempt.workerId}</code>
              </td>
              <td>
                {attempt.error === null ? (
                  '—'
                ) : (
                  <span>
                    <code>{attempt.error.code}</code> {attempt.error.message}
                  </span>
                )}
              </td>
              <td>{formatDuration(attempt.retryDelayMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.status === 'SUCCEEDED' && (
        <>
          <h4>Result</h4>
          <JsonBlock value={data.result} label="Result" />
        </>
      )}
      {data.lastError !== null && data.status !== 'SUCCEEDED' && (
        <>
          <h4>Last error</h4>
          <JsonBlock value={data.lastError} label="Last error" />
        </>
      )}
      <ErrorNote error={execution.error} />
    </section>
  );
}

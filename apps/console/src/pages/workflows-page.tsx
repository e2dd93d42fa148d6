import { unwrap } from '@meridian/client/browser';
import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { ErrorNote, Loading } from '../components/error-note.js';
import { Pager, useCursorPager } from '../components/pager.js';
import { StatusBadge } from '../components/status-badge.js';
import { between, formatDuration, formatInstant, formatRelative } from '../format.js';

const WORKFLOW_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** The namespace's workflows, newest first, with how far each has got. */
export function WorkflowsPage(): preact.JSX.Element {
  const { client } = useSession();
  const pager = useCursorPager();
  const [status, setStatus] = useState<WorkflowStatus | ''>('');
  const workflows = usePolled(
    async (signal) =>
      unwrap(
        await client.GET('/v1/workflows', {
          params: { query: { limit: 25, cursor: pager.cursor, status: status || undefined } },
          signal,
        }),
      ),
    [pager.cursor, status],
  );
  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      <div class="filters">
        <label>
          Status
          <select
            value={status}
            onChange={(event) => {
              pager.reset();
              setStatus(event.currentTarget.value as WorkflowStatus | '');
            }}
          >
            <option value="">any</option>
            {WORKFLOW_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <OpenById />
      </div>
      <ErrorNote error={workflows.error} />
      {workflows.data === undefined ? (
        <Loading what="workflows" />
      ) : workflows.data.items.length === 0 ? (
        <p class="muted">No workflow matches.</p>
      ) : (
        <table class="list">
          <caption class="visually-hidden">Workflows, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Jobs done</th>
              <th scope="col">Created</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            {workflows.data.items.map((workflow) => (
              <tr key={workflow.id}>
                <td>
                  <Link href={`/workflows/${workflow.id}`}>{workflow.name}</Link>
                </td>
                <td>
                  <StatusBadge status={workflow.status} />
                </td>
                <td>
                  <JobCounts counts={workflow.jobCounts} />
                </td>
                <td title={formatInstant(workflow.createdAt)}>{formatRelative(workflow.createdAt)}</td>
                <td>
                  {workflow.finishedAt === null
                    ? '—'
                    : formatDuration(between(workflow.startedAt ?? workflow.createdAt, workflow.finishedAt))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        pageNumber={pager.pageNumber}
        nextCursor={workflows.data?.nextCursor}
        onNext={pager.next}
        onPrevious={pager.previous}
      />
    </section>
  );
}

function JobCounts({ counts }: { counts: Record<string, number> }) {
  const { total = 0, ...byStatus } = counts;
  const parts = Object.entries(byStatus).filter(([, count]) => count > 0);
  return (
    <span>
      {total} job{total === 1 ? '' : 's'}
      {parts.length > 0 && ': '}
      {parts.map(([status, count]) => `${count} ${status.toLowerCase()}`).join(', ')}
    </span>
  );
}

/** Goes straight to a workflow whose id is known (from a create's answer, a log line). */
function OpenById() {
  const [, navigate] = useLocation();
  const [id, setId] = useState('');
  return (
    <form
      class="inline-form"
      aria-label="Open a workflow by id"
      onSubmit={(event) => {
        event.preventDefault();
        if (id.trim() !== '') {
          navigate(`/workflows/${id.trim()}`);
        }
      }}
    >
      <label>
        Open by id
        <input type="text" value={id} spellcheck={false} onInput={(event) => setId(event.currentTarget.value)} />
      </label>
      <button type="submit">Open</button>
    </form>
  );
}

import { type JobSummary, unwrap } from '@meridian/client/browser';
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { ErrorNote, Loading } from '../components/error-note.js';
import { Pager, useCursorPager } from '../components/pager.js';
import { EXECUTION_STATUSES, StatusBadge } from '../components/status-badge.js';
import { formatInstant, formatRelative } from '../format.js';

type Kind = 'all' | 'recurring' | 'one-off';

interface Filters {
  status: string;
  name: string;
  queue: string;
  handler: string;
  kind: Kind;
}

const NO_FILTERS: Filters = { status: '', name: '', queue: '', handler: '', kind: 'all' };

/** Every job of the namespace, newest first, filtered; statuses refresh every few seconds. */
export function JobsPage(): preact.JSX.Element {
  const { client } = useSession();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const pager = useCursorPager();

  const jobs = usePolled(
    async (signal) =>
      unwrap(
        await client.GET('/v1/jobs', {
          params: {
            query: {
              limit: 25,
              cursor: pager.cursor,
              status: (filters.status || undefined) as JobSummary['status'] | undefined,
              name: filters.name || undefined,
              queue: filters.queue || undefined,
              handler: filters.handler || undefined,
              recurring: filters.kind === 'all' ? undefined : filters.kind === 'recurring',
            },
          },
          signal,
        }),
      ),
    [filters, pager.cursor],
  );

  const change = (patch: Partial<Filters>): void => {
    pager.reset();
    setFilters((current) => ({ ...current, ...patch }));
  };

  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <JobFilters filters={filters} onChange={change} />
      <ErrorNote error={jobs.error} />
      {jobs.data === undefined ? (
        <Loading what="jobs" />
      ) : jobs.data.items.length === 0 ? (
        <p class="muted">No job matches.</p>
      ) : (
        <JobTable jobs={jobs.data.items} />
      )}
      <Pager
        pageNumber={pager.pageNumber}
        nextCursor={jobs.data?.nextCursor}
        onNext={pager.next}
        onPrevious={pager.previous}
      />
    </section>
  );
}

function JobFilters({ filters, onChange }: { filters: Filters; onChange: (patch: Partial<Filters>) => void }) {
  // Text filters apply on submit (Enter), not on every key, so each keystroke is not a request.
  const [draft, setDraft] = useState(filters);
  return (
    <form
      class="filters"
      aria-label="Filter jobs"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({ name: draft.name.trim(), queue: draft.queue.trim(), handler: draft.handler.trim() });
      }}
    >
      <label>
        Status
        <select value={filters.status} onChange={(event) => onChange({ status: event.currentTarget.value })}>
          <option value="">any</option>
          {EXECUTION_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label>
        Kind
        <select value={filters.kind} onChange={(event) => onChange({ kind: event.currentTarget.value as Kind })}>
          <option value="all">all</option>
          <option value="recurring">recurring</option>
          <option value="one-off">one-off</option>
        </select>
      </label>
      {(['name', 'handler', 'queue'] as const).map((field) => (
        <label key={field}>
          {field[0]?.toUpperCase() + field.slice(1)}
          <input
            type="search"
            value={draft[field]}
            placeholder="exactly"
            onInput={(event) => setDraft({ ...draft, [field]: event.currentTarget.value })}
          />
        </label>
      ))}
      <button type="submit">Filter</button>
    </form>
  );
}

function JobTable({ jobs }: { jobs: JobSummary[] }) {
  return (
    <table class="list">
      <caption class="visually-hidden">Jobs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Handler</th>
          <th scope="col">Queue</th>
          <th scope="col">Kind</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id}>
            <td>
              <Link href={`/jobs/${job.id}`}>{job.name}</Link>
            </td>
            <td>
              <StatusBadge status={job.status} />
            </td>
            <td>
              <code>{job.handler}</code>
            </td>
            <td>{job.queue}</td>
            <td>
              {job.schedule === null ? (
                'one-off'
              ) : (
                <span title={`next run ${formatInstant(job.schedule.nextRunAt)}`}>
                  recurring · {job.schedule.state.toLowerCase()}
                </span>
              )}
            </td>
            <td title={formatInstant(job.createdAt)}>{formatRelative(job.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

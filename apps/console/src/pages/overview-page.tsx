import { type components, unwrap } from '@meridian/client/browser';
import { useState } from 'preact/hooks';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { ErrorNote, Loading } from '../components/error-note.js';
import { ThroughputChart } from '../components/throughput-chart.js';
import { formatDuration, formatInstant } from '../format.js';

type Overview = components['schemas']['Overview'];

const WINDOWS = [
  { minutes: 15, label: '15 minutes' },
  { minutes: 60, label: 'hour' },
  { minutes: 360, label: '6 hours' },
  { minutes: 1440, label: '24 hours' },
];

/** How the namespace is doing: what ended, how late things start, and how the shared queues look. */
export function OverviewPage(): preact.JSX.Element {
  const { client } = useSession();
  const [windowMinutes, setWindowMinutes] = useState(60);
  const overview = usePolled(
    async (signal) => unwrap(await client.GET('/v1/overview', { params: { query: { windowMinutes } }, signal })),
    [windowMinutes],
    5000,
  );
  return (
    <section aria-labelledby="overview-title">
      <div class="row">
        <h1 id="overview-title">Overview</h1>
        <label class="inline">
          Over the last
          <select value={windowMinutes} onChange={(event) => setWindowMinutes(Number(event.currentTarget.value))}>
            {WINDOWS.map(({ minutes, label }) => (
              <option key={minutes} value={minutes}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={overview.error} />
      {overview.data === undefined ? <Loading what="the overview" /> : <OverviewBody overview={overview.data} />}
    </section>
  );
}

function OverviewBody({ overview }: { overview: Overview }) {
  const { totals } = overview.throughput;
  return (
    <>
      <div class="cards">
        <Card label="succeeded" value={totals.succeeded} />
        <Card label="dead (failed for good)" value={totals.dead} />
        <Card label="cancelled" value={totals.cancelled} />
        <Card label="failed attempts (retried or not)" value={totals.failedAttempts} />
        <Card
          label={`start lateness p99 (p50 ${formatDuration(overview.lateness.p50Ms)}, max ${formatDuration(
            overview.lateness.maxMs,
          )}, of ${overview.lateness.measured} starts)`}
          value={formatDuration(overview.lateness.p99Ms)}
        />
        <Card
          label="oldest outbox row"
          value={overview.outbox.rows === 0 ? 'empty' : formatDuration(overview.outbox.oldestAgeSeconds * 1000)}
        />
      </div>
      <h2>Throughput and failures</h2>
      <ThroughputChart overview={overview} />
      <h2>Queues</h2>
      <p class="muted">
        Shared by every namespace: depth and workers are the cluster&apos;s. A dash: Redis did not answer.
      </p>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Prioritized</th>
            <th scope="col">Delayed</th>
            <th scope="col">Active</th>
            <th scope="col">Workers</th>
          </tr>
        </thead>
        <tbody>
          {overview.queues.map((queue) => (
            <tr key={queue.name}>
              <td>{queue.name}</td>
              <td>{queue.waiting ?? '—'}</td>
              <td>{queue.prioritized ?? '—'}</td>
              <td>{queue.delayed ?? '—'}</td>
              <td>{queue.active ?? '—'}</td>
              <td>{queue.workers ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        Outbox: {overview.outbox.rows} row{overview.outbox.rows === 1 ? '' : 's'} not yet relayed · as of{' '}
        {formatInstant(overview.generatedAt)}
      </p>
    </>
  );
}

function Card({ label, value }: { label: string; value: string | number }) {
  return (
    <div class="card">
      <div class="value">{value}</div>
      <div class="label">{label}</div>
    </div>
  );
}

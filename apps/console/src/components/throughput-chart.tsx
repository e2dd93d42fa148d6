import type { components } from '@meridian/client/browser';

import { formatInstant } from '../format.js';

type Overview = components['schemas']['Overview'];

const KINDS = ['succeeded', 'dead', 'cancelled'] as const;

/**
 * Executions ended per bucket as stacked bars (succeeded, dead, cancelled) that fill the page's
 * width, with the numbers in a table for those who do not see the chart.
 */
export function ThroughputChart({ overview }: { overview: Overview }) {
  const buckets = overview.throughput.buckets;
  const peak = Math.max(1, ...buckets.map((bucket) => bucket.succeeded + bucket.dead + bucket.cancelled));
  return (
    <figure class="throughput">
      <div class="bars" aria-hidden="true">
        <span class="peak">
          {peak} per {Math.round(overview.window.bucketSeconds / 60)} min
        </span>
        {buckets.map((bucket) => (
          <div
            key={bucket.start}
            class="bar"
            title={`${formatInstant(bucket.start)}: ${bucket.succeeded} succeeded, ${bucket.dead} dead, ${bucket.cancelled} cancelled, ${bucket.failedAttempts} failed attempts`}
          >
            {KINDS.map((kind) =>
              bucket[kind] > 0 ? (
                <div key={kind} class={`segment ${kind}`} style={{ height: `${(bucket[kind] / peak) * 100}%` }} />
              ) : null,
            )}
          </div>
        ))}
      </div>
      <div class="axis-labels" aria-hidden="true">
        <span>{formatInstant(overview.window.from)}</span>
        <span>{formatInstant(overview.window.to)}</span>
      </div>
      <ul class="legend" aria-hidden="true">
        {KINDS.map((kind) => (
          <li key={kind}>
            <span class={`swatch segment ${kind}`} /> {kind}
          </li>
        ))}
      </ul>
      <figcaption>
        <details>
          <summary>As a table</summary>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">Succeeded</th>
                <th scope="col">Dead</th>
                <th scope="col">Cancelled</th>
                <th scope="col">Failed attempts</th>
              </tr>
            </thead>
            <tbody>
              {buckets.map((bucket) => (
                <tr key={bucket.start}>
                  <td>{formatInstant(bucket.start)}</td>
                  <td>{bucket.succeeded}</td>
                  <td>{bucket.dead}</td>
                  <td>{bucket.cancelled}</td>
                  <td>{bucket.failedAttempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}

import type { components } from '@meridian/client/browser';

import { formatInstant } from '../format.js';

type Overview = components['schemas']['Overview'];

const HEIGHT = 120;
const BAR_GAP = 1;

/**
 * Executions ended per bucket as stacked bars (succeeded, dead, cancelled), with the numbers in a
 * table for those who do not see the chart.
 */
export function ThroughputChart({ overview }: { overview: Overview }) {
  const buckets = overview.throughput.buckets;
  const width = Math.max(360, buckets.length * 8);
  const barWidth = width / Math.max(1, buckets.length) - BAR_GAP;
  const peak = Math.max(1, ...buckets.map((bucket) => bucket.succeeded + bucket.dead + bucket.cancelled));
  const scale = (count: number): number => (count / peak) * (HEIGHT - 16);
  return (
    <figure>
      <svg class="bars" width="100%" height={HEIGHT + 18} viewBox={`0 0 ${width} ${HEIGHT + 18}`} aria-hidden="true">
        <line class="axis" x1="0" x2={width} y1={HEIGHT} y2={HEIGHT} />
        {buckets.map((bucket, index) => {
          const x = index * (barWidth + BAR_GAP);
          let top = HEIGHT;
          return (['succeeded', 'dead', 'cancelled'] as const).map((kind) => {
            const height = scale(bucket[kind]);
            top -= height;
            return height > 0 ? (
              <rect key={`${bucket.start}-${kind}`} class={kind} x={x} y={top} width={barWidth} height={height}>
                <title>{`${formatInstant(bucket.start)}: ${bucket[kind]} ${kind}`}</title>
              </rect>
            ) : null;
          });
        })}
        <text x="0" y={HEIGHT + 14}>
          {formatInstant(overview.window.from)}
        </text>
        <text x={width} y={HEIGHT + 14} text-anchor="end">
          {formatInstant(overview.window.to)}
        </text>
        <text x="2" y="10">
          {peak} / {Math.round(overview.window.bucketSeconds / 60)} min
        </text>
      </svg>
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

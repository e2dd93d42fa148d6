// The summary table: one row per figure, with its baseline and the ratio, printed as Markdown (the
// same table goes into bench/README.md).

import { ratio } from './stats.mjs';

/** A table row: `value` of `system` against `baseline` (of `baselineName`), in `unit`. */
export function row(benchmark, figure, system, value, unit, baselineName, baseline, ratio) {
  return { benchmark, figure, system, value, unit, baselineName, baseline, ratio };
}

/**
 * The end-to-end row of a system against raw BullMQ: its rate and the ratio, or its error when it
 * failed (then the caller adds no further rows for it).
 */
export function rateRow(benchmark, figure, system, result, raw) {
  return result.error === undefined
    ? row(benchmark, figure, system, result.rate, 'jobs/s', 'raw BullMQ', raw.rate, ratio(result.rate, raw.rate))
    : row(benchmark, figure, system, shortError(result.error), '', 'raw BullMQ', raw.rate, Number.NaN);
}

/** A failed system's error, short enough for a table cell. */
export function shortError(error) {
  return `${error.replace(/: [{[].*$/s, '').slice(0, 90)}`;
}

function format(value, unit) {
  if (typeof value === 'string') {
    return value;
  }
  if (!Number.isFinite(value)) {
    return '—';
  }
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}${unit ? ` ${unit}` : ''}`;
}

export function markdownTable(rows) {
  const lines = [
    '| benchmark | figure | system | value | baseline | ratio |',
    '| --- | --- | --- | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const baseline = r.baselineName === undefined ? '—' : `${format(r.baseline, r.unit)} (${r.baselineName})`;
    const ratio = Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '—';
    lines.push(`| ${r.benchmark} | ${r.figure} | ${r.system} | ${format(r.value, r.unit)} | ${baseline} | ${ratio} |`);
  }
  return lines.join('\n');
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPOSITORY_ROOT } from './rendered-manifests.js';

const METRICS_SOURCE = join(REPOSITORY_ROOT, 'libs/metrics/src');
const METRIC_NAME = /\bmeridian_[a-z_]+\b/g;
/** What Prometheus appends to a histogram's name for its series. */
const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;

/** The names of the metrics Meridian defines: every `meridian_*` name quoted in libs/metrics. */
export function definedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(METRICS_SOURCE).filter((name) => name.endsWith('.ts') && !name.includes('spec'))) {
    for (const [literal] of readFileSync(join(METRICS_SOURCE, file), 'utf8').matchAll(/'meridian_[a-z_]+'/g)) {
      names.add(literal.slice(1, -1));
    }
  }
  return names;
}

/** The metric names a PromQL text refers to, a histogram's series named by the histogram. */
export function metricNamesIn(promql: string): string[] {
  return [...promql.matchAll(METRIC_NAME)].map(([name]) =>
    HISTOGRAM_SERIES.test(name) && !name.endsWith('_total') ? name.replace(HISTOGRAM_SERIES, '') : name,
  );
}

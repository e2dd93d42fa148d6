import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { definedMetricNames, metricNamesIn } from './defined-metrics.js';
import { REPOSITORY_ROOT } from './rendered-manifests.js';

interface ComposeService {
  profiles?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  environment?: Record<string, string | number>;
}

function readYaml<T>(path: string): T {
  // merge: the compose file shares settings through YAML anchors and `<<` merge keys.
  return parse(readFileSync(join(REPOSITORY_ROOT, path), 'utf8'), { merge: true }) as T;
}

const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) {
    throw new Error(`docker-compose.yml has no service ${name}`);
  }
  return found;
}

describe('docker-compose.yml', () => {
  it('should health-check the scheduler and the worker on their metrics port', () => {
    for (const name of ['scheduler', 'worker']) {
      expect(service(name).healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9464/healthz');
      expect(service(name).environment?.METRICS_PORT).toBe(9464);
    }
  });

  it('should start the apps only after the migrations succeeded', () => {
    for (const name of ['api', 'scheduler', 'worker']) {
      expect(service(name).depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('should run Prometheus and Grafana only in the observability profile', () => {
    expect(service('prometheus').profiles).toEqual(['observability']);
    expect(service('grafana').profiles).toEqual(['observability']);
    expect(service('grafana').depends_on?.prometheus).toEqual({ condition: 'service_healthy' });
    const unprofiled = Object.entries(compose.services).filter(([, s]) => !s.profiles);
    expect(unprofiled.map(([name]) => name).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'redis',
      'scheduler',
      'worker',
    ]);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  it('should scrape the api on 3000 and the scheduler and the worker on 9464', () => {
    const config = readYaml<{ scrape_configs: { dns_sd_configs: { names: string[]; port: number }[] }[] }>(
      'deploy/prometheus/prometheus.yml',
    );
    const targets = config.scrape_configs.flatMap((job) =>
      job.dns_sd_configs.flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}`)),
    );
    expect(targets.sort()).toEqual(['api:3000', 'scheduler:9464', 'worker:9464']);
  });
});

describe('deploy/grafana', () => {
  const dashboardsDir = join(REPOSITORY_ROOT, 'deploy/grafana/dashboards');
  const dashboards = readdirSync(dashboardsDir).filter((file) => file.endsWith('.json'));

  it('should provision the Prometheus datasource under the uid the dashboards use', () => {
    const datasources = readYaml<{ datasources: { uid: string; url: string }[] }>(
      'deploy/grafana/provisioning/datasources/prometheus.yml',
    );
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ uid: 'meridian-prometheus', url: 'http://prometheus:9090' }),
    ]);
  });

  it.each(dashboards)('should query only metrics Meridian defines in %s', (file) => {
    const dashboard = JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const defined = definedMetricNames();
    const queried = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricNamesIn(target.expr)));
    expect(queried.length).toBeGreaterThan(0);
    expect(queried.filter((metric) => !defined.has(metric))).toEqual([]);
  });

  it('should show throughput, lateness, queue depth, failures, outbox age and per-namespace runs', () => {
    const dashboard = JSON.parse(readFileSync(join(dashboardsDir, 'meridian.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const queries = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).join('\n');
    for (const wanted of [
      'meridian_executions_ended_total',
      'histogram_quantile(0.99, sum by (le) (rate(meridian_start_lateness_seconds_bucket',
      'meridian_queue_jobs',
      'outcome="dead"',
      'meridian_outbox_oldest_age_seconds',
      'sum by (namespace)',
    ]) {
      expect(queries).toContain(wanted);
    }
  });
});

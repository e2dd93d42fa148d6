import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type HttpTarget, type JobView, startHttpTarget, useStack, waitFor } from '@meridian/testing';

jest.setTimeout(60_000);

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Series[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || line.startsWith('#')) {
      return [];
    }
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
    );
    return [{ name: match[1] ?? '', labels: labels as Record<string, string>, value: Number(match[3]) }];
  });
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(series: Series[], name: string, labels: Record<string, string> = {}): number {
  return series
    .filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('metrics and probes of the api, the scheduler and the worker', () => {
  const ctx = useStack();
  let target: HttpTarget;

  const scrape = async (url: string): Promise<Series[]> => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseExposition(await response.text());
  };
  const probeUrl = (name: 'api' | 'scheduler' | 'worker') => {
    const app = ctx.stack.apps[name];
    if (app === undefined) {
      throw new Error(`no ${name} in the stack`);
    }
    return ctx.stack.probeUrl(app);
  };

  beforeAll(async () => {
    target = await startHttpTarget((path, count) => {
      switch (path) {
        case '/fails-once':
          return { status: count === 1 ? 503 : 200 };
        case '/always-503':
          return { status: 503 };
        default:
          return { status: 200 };
      }
    });
  });

  afterAll(async () => {
    await target?.close();
  });

  it('should answer liveness and readiness on the scheduler and worker ports, and on the api without a key', async () => {
    for (const name of ['scheduler', 'worker'] as const) {
      const live = await fetch(`${probeUrl(name)}/healthz`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${probeUrl(name)}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
    }
    expect(await (await fetch(`${probeUrl('worker')}/readyz`)).json()).toMatchObject({ checks: { intake: 'up' } });
    expect((await fetch(`${ctx.stack.apiUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${ctx.stack.apiUrl}/metrics`)).status).toBe(200);
  });

  it('should move the counters and histograms of jobs that succeed, retry, die, wait and recur', async () => {
    const retry = { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 100 } };
    const jobs: JobView[] = [
      await ctx.api.createJob({ name: 'succeeds', handler: 'noop' }),
      await ctx.api.createJob({
        name: 'retries-then-succeeds',
        handler: 'http',
        payload: { url: `${target.url}/fails-once` },
        retry,
      }),
      await ctx.api.createJob({ name: 'dies', handler: 'http', payload: { url: `${target.url}/always-503` }, retry }),
      await ctx.api.createJob({ name: 'delayed', handler: 'noop', delayMs: 1000 }),
    ];
    const recurring = await ctx.api.createJob({
      name: 'every-second',
      handler: 'noop',
      schedule: { every: '1s', limit: 3 },
      overlap: 'allow',
    });

    await ctx.api.waitForExecution(jobs[0]!, 'SUCCEEDED');
    await ctx.api.waitForExecution(jobs[1]!, 'SUCCEEDED');
    await ctx.api.waitForExecution(jobs[2]!, 'DEAD');
    await ctx.api.waitForExecution(jobs[3]!, 'SUCCEEDED');
    const ledger = await ctx.api.waitForOccurrences(recurring.id, 3);
    const recurringRuns = ledger.filter((occurrence) => occurrence.executionId !== null).length;
    await waitFor(
      async () => {
        const runs = await ctx.api.executions(recurring.id);
        return runs.length === recurringRuns && runs.every((run) => run.status === 'SUCCEEDED') ? true : undefined;
      },
      { what: 'the recurring runs to succeed' },
    );

    // The worker: executions ended, attempts by outcome, start lateness of each first attempt.
    const noopSucceeded = 2 + recurringRuns;
    const worker = await waitFor(
      async () => {
        const series = await scrape(probeUrl('worker'));
        const ended = total(series, 'meridian_executions_ended_total', { handler: 'noop', outcome: 'succeeded' });
        return ended === noopSucceeded ? series : undefined;
      },
      { what: 'the worker to count every ended execution' },
    );
    const ended = { namespace: 'default', queue: 'default', component: 'worker' };
    expect(total(worker, 'meridian_executions_ended_total', { ...ended, handler: 'http', outcome: 'succeeded' })).toBe(
      1,
    );
    expect(total(worker, 'meridian_executions_ended_total', { ...ended, handler: 'http', outcome: 'dead' })).toBe(1);
    expect(total(worker, 'meridian_executions_ended_total', { outcome: 'dead' })).toBe(1);
    const attempts = (handler: string, outcome: string) =>
      total(worker, 'meridian_attempt_duration_seconds_count', { queue: 'default', handler, outcome });
    expect(attempts('http', 'failed')).toBe(3);
    expect(attempts('http', 'succeeded')).toBe(1);
    expect(attempts('noop', 'succeeded')).toBe(noopSucceeded);
    expect(total(worker, 'meridian_attempt_duration_seconds_bucket', { handler: 'http', le: '+Inf' })).toBe(4);
    expect(total(worker, 'meridian_start_lateness_seconds_count', { queue: 'default' })).toBe(4 + recurringRuns);
    expect(total(worker, 'meridian_start_lateness_seconds_sum')).toBeGreaterThan(0);

    // The scheduler: ticks, occurrences, queue depth and the outbox.
    const scheduler = await scrape(probeUrl('scheduler'));
    expect(total(scheduler, 'meridian_occurrences_total')).toBe(3);
    expect(total(scheduler, 'meridian_occurrences_total', { outcome: 'ENQUEUED' })).toBe(recurringRuns);
    expect(total(scheduler, 'meridian_schedule_ticks_total', { outcome: 'handled' })).toBeGreaterThanOrEqual(1);
    expect(total(scheduler, 'meridian_schedule_ticks_total', { outcome: 'handled' })).toBeLessThanOrEqual(3);
    for (const state of ['waiting', 'prioritized', 'delayed', 'active']) {
      expect(scheduler).toContainEqual({
        name: 'meridian_queue_jobs',
        labels: { queue: 'default', state, component: 'scheduler' },
        value: 0,
      });
    }
    expect(scheduler).toContainEqual({
      name: 'meridian_outbox_backlog_rows',
      labels: { component: 'scheduler' },
      value: 0,
    });
    expect(scheduler).toContainEqual({
      name: 'meridian_outbox_oldest_age_seconds',
      labels: { component: 'scheduler' },
      value: 0,
    });

    // The api: requests by route pattern and status.
    const api = await scrape(ctx.stack.apiUrl);
    expect(
      total(api, 'meridian_http_requests_total', {
        method: 'POST',
        route: '/v1/jobs',
        status: '201',
        component: 'api',
      }),
    ).toBe(5);
    expect(
      total(api, 'meridian_http_request_duration_seconds_count', { method: 'POST', route: '/v1/jobs', status: '201' }),
    ).toBe(5);
    expect(total(api, 'meridian_http_requests_total', { route: '/v1/executions/:id', status: '200' })).toBeGreaterThan(
      0,
    );

    // Gauges show only where they are measured: an api or a worker does not know the outbox or queues.
    for (const series of [api, worker]) {
      expect(
        series.filter((sample) => /^meridian_(outbox_|queue_jobs)/.test(sample.name)).map((sample) => sample.name),
      ).toEqual([]);
    }

    // Every process: its pool, the default metrics, its component; no label ever holds an id.
    for (const [component, series] of [
      ['api', api],
      ['scheduler', scheduler],
      ['worker', worker],
    ] as const) {
      expect(series.filter((sample) => sample.name === 'meridian_postgres_pool_clients')).toHaveLength(3);
      expect(series.some((sample) => sample.name === 'process_cpu_seconds_total')).toBe(true);
      expect(series.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
      expect(series.every((sample) => sample.labels.component === component)).toBe(true);
      const withIds = series.filter((sample) => Object.values(sample.labels).some((value) => UUID.test(value)));
      expect(withIds).toEqual([]);
    }
  });

  it('should count a request no route took under one label, whatever its URL', async () => {
    await ctx.api.request('GET', '/v1/jobs/01930000-0000-7000-8000-000000000000');
    await fetch(`${ctx.stack.apiUrl}/no/such/path/01930000-0000-7000-8000-000000000001`);

    const api = await scrape(ctx.stack.apiUrl);
    expect(total(api, 'meridian_http_requests_total', { route: '/v1/jobs/:id', status: '404' })).toBe(1);
    expect(total(api, 'meridian_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(api.filter((sample) => Object.values(sample.labels).some((value) => UUID.test(value)))).toEqual([]);
  });
});

import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

import { describe, expect, it } from '@jest/globals';

import { httpMetrics, UNMATCHED_ROUTE } from './http-metrics.middleware.js';
import { createMetricCatalog } from './metric-registry.js';

/** A request as Express leaves it once routed, and a response that finishes on demand. */
function exchange(request: { method: string; url: string; route?: { path: string }; baseUrl?: string }) {
  const response = Object.assign(new EventEmitter(), { statusCode: 200 });
  return { request, response, finish: (status: number) => ((response.statusCode = status), response.emit('finish')) };
}

describe(httpMetrics.name, () => {
  it('should count and time a request under its route pattern, not its URL', async () => {
    const catalog = createMetricCatalog('api', { processMetrics: false });
    const sut = httpMetrics(catalog);
    const { request, response, finish } = exchange({ method: 'GET', url: '/v1/jobs/0193-abc' });

    sut(request as never, response as unknown as ServerResponse, () => {
      request.route = { path: '/v1/jobs/:id' };
    });
    finish(404);

    expect((await catalog.httpRequests.get()).values).toEqual([
      { labels: { method: 'GET', route: '/v1/jobs/:id', status: '404' }, value: 1 },
    ]);
    const count = (await catalog.httpRequestDuration.get()).values.find(
      (value) => value.metricName === 'meridian_http_request_duration_seconds_count',
    );
    expect(count).toMatchObject({ labels: { method: 'GET', route: '/v1/jobs/:id', status: '404' }, value: 1 });
  });

  it('should count a request refused before any route took it as unmatched', async () => {
    const catalog = createMetricCatalog('api', { processMetrics: false });
    const sut = httpMetrics(catalog);
    const { request, response, finish } = exchange({ method: 'POST', url: '/v1/jobs?x=1' });

    sut(request as never, response as unknown as ServerResponse, () => undefined);
    finish(429);

    expect((await catalog.httpRequests.get()).values).toEqual([
      { labels: { method: 'POST', route: UNMATCHED_ROUTE, status: '429' }, value: 1 },
    ]);
  });

  it("should count a request only Nest's not-found handler took as unmatched", async () => {
    const catalog = createMetricCatalog('api', { processMetrics: false });
    const sut = httpMetrics(catalog);
    const { request, response, finish } = exchange({ method: 'GET', url: '/no/such/path' });

    sut(request as never, response as unknown as ServerResponse, () => {
      request.route = { path: '{/*splat}' };
    });
    finish(404);

    expect((await catalog.httpRequests.get()).values[0]?.labels.route).toBe(UNMATCHED_ROUTE);
  });

  it('should prefix the route of a mounted router with its mount path', async () => {
    const catalog = createMetricCatalog('api', { processMetrics: false });
    const sut = httpMetrics(catalog);
    const { request, response, finish } = exchange({ method: 'GET', url: '/admin/queues/api/queues' });

    sut(request as never, response as unknown as ServerResponse, () => {
      Object.assign(request, { baseUrl: '/admin/queues', route: { path: '/api/queues' } });
    });
    finish(200);

    expect((await catalog.httpRequests.get()).values[0]?.labels.route).toBe('/admin/queues/api/queues');
  });
});

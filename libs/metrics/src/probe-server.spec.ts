import { afterEach, describe, expect, it } from '@jest/globals';
import type { DatabaseHealthRepository } from '@meridian/db';
import type { RedisHealthRepository } from '@meridian/runtime';

import { createMetricCatalog } from './metric-registry.js';
import { ProbeServer } from './probe-server.js';
import { Readiness } from './readiness.js';

const answering = { ping: () => Promise.resolve() };
const refusing = { ping: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) };

describe(ProbeServer.name, () => {
  let sut: ProbeServer | undefined;
  afterEach(async () => {
    await sut?.close();
  });

  async function serve(redis: { ping(): Promise<void> }, extra?: () => void) {
    const catalog = createMetricCatalog('worker');
    const readiness = new Readiness(
      answering as unknown as DatabaseHealthRepository,
      redis as unknown as RedisHealthRepository,
    );
    if (extra !== undefined) {
      readiness.add('intake', extra);
    }
    sut = new ProbeServer(catalog, readiness, 0);
    await sut.listen();
    return { catalog, url: `http://127.0.0.1:${sut.listeningPort}` };
  }

  it('should serve the metrics in the Prometheus text format, labelled with the component', async () => {
    const { catalog, url } = await serve(answering);
    catalog.scheduleTicks.inc({ outcome: 'handled' });

    const response = await fetch(`${url}/metrics`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(body).toContain('meridian_schedule_ticks_total{outcome="handled",component="worker"} 1');
    expect(body).toContain('nodejs_eventloop_lag_seconds{component="worker"}');
    expect(body).toContain('process_cpu_seconds_total{component="worker"}');
  });

  it('should answer liveness whatever its dependencies say', async () => {
    const { url } = await serve(refusing);

    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('should answer readiness 200 when every check is up and 503 naming the one down', async () => {
    const up = await serve(answering);
    const ready = await fetch(`${up.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
    await sut?.close();

    const paused = await serve(answering, () => {
      throw new Error('paused for a database outage');
    });
    const unready = await fetch(`${paused.url}/readyz`);
    expect(unready.status).toBe(503);
    expect(await unready.json()).toEqual({
      status: 'unavailable',
      checks: { postgres: 'up', redis: 'up', intake: 'down' },
    });
  });

  it('should answer 404 elsewhere and close, keep-alive connections included', async () => {
    const { url } = await serve(answering);

    expect((await fetch(`${url}/nothing`)).status).toBe(404);
    await sut?.close();
    expect(sut?.listeningPort).toBeNull();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

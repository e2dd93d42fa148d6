import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { newId } from '@meridian/domain';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix, waitFor } from '@meridian/testing';
import type { Redis } from 'ioredis';

import type { ScheduleTick } from './job-catalog.js';
import { createRedisConnection } from './redis-connection.factory.js';
import { TickQueueGateway } from './tick-queue.gateway.js';
import { TickQueueWorker } from './tick-queue.worker.js';

describe(TickQueueWorker.name, () => {
  let redis: Redis;
  let prefix: string;
  let gateway: TickQueueGateway;
  let sut: TickQueueWorker | undefined;

  beforeEach(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'tick-worker-test');
    prefix = testRedisPrefix();
    gateway = new TickQueueGateway({ connection: redis, prefix });
  });

  afterEach(async () => {
    await sut?.close();
    await gateway.close();
    await deleteRedisPrefix(prefix);
    await redis.quit();
  });

  const start = (handle: (tick: ScheduleTick) => Promise<unknown>, failed: unknown[] = []) =>
    TickQueueWorker.start({
      redis: { url: TEST_REDIS_URL },
      prefix,
      connectionName: 'tick-worker-test-consumer',
      concurrency: 10,
      stallDetection: { lockDurationMs: 10_000, stalledIntervalMs: 5000 },
      handle,
      onError: () => undefined,
      onFailed: (tick) => failed.push(tick),
    });

  it('should hand each armed tick to its handler, as the catalog reads it', async () => {
    const handled: ScheduleTick[] = [];
    sut = await start((tick) => {
      handled.push(tick);
      return Promise.resolve();
    });
    const tick = { jobId: newId(), nominalTime: new Date(Date.now() - 1000) };

    await gateway.armTicks([tick]);

    await waitFor(() => Promise.resolve(handled.length > 0 ? true : undefined), { what: 'the tick to be handled' });
    expect(handled).toEqual([tick]);
  });

  it('should report a tick its handler failed', async () => {
    const failed: unknown[] = [];
    sut = await start(() => Promise.reject(new Error('postgres down')), failed);
    const tick = { jobId: newId(), nominalTime: new Date(Date.now() - 1000) };

    await gateway.armTicks([tick]);

    await waitFor(() => Promise.resolve(failed.length > 0 ? true : undefined), { what: 'the failure to be reported' });
    expect(failed[0]).toEqual({ jobId: tick.jobId, nominalTime: tick.nominalTime.toISOString() });
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { newId } from '@meridian/domain';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@meridian/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { TICK_QUEUE, tickJobId } from './job-catalog.js';
import { createRedisConnection } from './redis-connection.factory.js';
import { TICK_LEAD_MS, TickQueueGateway } from './tick-queue.gateway.js';

describe(TickQueueGateway.name, () => {
  let redis: Redis;
  let prefix: string;
  let sut: TickQueueGateway;
  let ticks: Queue;

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'tick-gateway-test');
  });

  beforeEach(() => {
    prefix = testRedisPrefix();
    sut = new TickQueueGateway({ connection: redis, prefix });
    ticks = new Queue(TICK_QUEUE, { connection: redis, prefix });
  });

  afterEach(async () => {
    await ticks.close();
    await sut.close();
    await deleteRedisPrefix(prefix);
  });

  afterAll(async () => {
    await redis.quit();
  });

  it('should hand a tick over a lead ahead of its nominal time, keyed by job and time, once', async () => {
    const now = Date.now();
    const tick = { jobId: newId(), nominalTime: new Date(now + 60_000) };

    await sut.armTicks([tick, tick], now);

    const armed = await ticks.getJob(tickJobId(tick));
    expect(await ticks.getJobState(tickJobId(tick))).toBe('delayed');
    expect(armed?.opts.delay).toBe(60_000 - TICK_LEAD_MS);
    expect(armed?.opts).toMatchObject({ attempts: 10, backoff: { type: 'exponential', delay: 500 } });
    expect(await ticks.getJobCounts('delayed')).toEqual({ delayed: 1 });
  });

  it('should not delay a tick due within the lead', async () => {
    const now = Date.now();
    const tick = { jobId: newId(), nominalTime: new Date(now + TICK_LEAD_MS / 2) };

    await sut.armTicks([tick], now);

    expect(await ticks.getJobState(tickJobId(tick))).not.toBe('delayed');
  });

  it('should find the ticks BullMQ no longer has, and arm them again', async () => {
    const armed = { jobId: newId(), nominalTime: new Date(Date.now() + 60_000) };
    const lost = { jobId: newId(), nominalTime: new Date(Date.now() + 60_000) };
    await sut.armTicks([armed]);

    expect(await sut.lostTicks([armed, lost])).toEqual([lost]);

    await sut.rearmTicks([lost]);
    expect(await sut.lostTicks([armed, lost])).toEqual([]);
  });
});

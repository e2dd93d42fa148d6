import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig, type MeridianConfig } from '@meridian/config';
import type { DatabaseHealthRepository } from '@meridian/db';
import { CancellationBus, createRedisConnection } from '@meridian/queue';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix, waitFor } from '@meridian/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PinoLogger } from 'nestjs-pino';

import { DatabaseOutage } from './database-outage.js';
import type { ExecutionRunner } from './execution-runner.js';
import { WorkerPool } from './worker-pool.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe(WorkerPool.name, () => {
  let redis: Redis;
  let prefix: string;
  let queue: Queue;
  let sut: WorkerPool;
  let release: () => void;

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'worker-pool-test');
  });

  beforeEach(() => {
    prefix = testRedisPrefix();
    queue = new Queue('default', { connection: redis, prefix });
  });

  afterEach(async () => {
    release();
    await sut.beforeApplicationShutdown();
    await queue.close();
    await deleteRedisPrefix(prefix);
  });

  afterAll(async () => {
    await redis.quit();
  });

  /** A pool whose runner holds every attempt until the test ends, so that its lock stays taken. */
  async function aPool(config: MeridianConfig): Promise<WorkerPool> {
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = { process: () => held } as unknown as ExecutionRunner;
    const pool = new WorkerPool(
      runner,
      new DatabaseOutage({} as DatabaseHealthRepository, silent as unknown as PinoLogger),
      new CancellationBus(redis, prefix),
      { ...config, redis: { ...config.redis, prefix }, queues: ['default'] },
      redis,
      silent as unknown as PinoLogger,
    );
    await pool.onApplicationBootstrap();
    return pool;
  }

  const ttlOf = (key: string) =>
    waitFor(async () => {
      const ttl = await redis.pttl(`${prefix}:default:${key}`);
      return ttl > 0 ? ttl : undefined;
    });

  it('should lock a running attempt for WORKER_LOCK_DURATION_MS, so a killed worker is noticed that soon', async () => {
    sut = await aPool(loadConfig({ WORKER_LOCK_DURATION_MS: '4000' }));
    await queue.add('execution.run', {}, { jobId: 'held' });

    expect(await ttlOf('held:lock')).toBeLessThanOrEqual(4000);
  });

  it('should look for stalled attempts every WORKER_STALLED_INTERVAL_MS', async () => {
    sut = await aPool(loadConfig({ WORKER_STALLED_INTERVAL_MS: '2500' }));

    expect(await ttlOf('stalled-check')).toBeLessThanOrEqual(2500);
  });

  it('should recover a killed worker within a quarter of a minute by default', async () => {
    sut = await aPool(loadConfig({}));
    await queue.add('execution.run', {}, { jobId: 'held' });

    const lock = await ttlOf('held:lock');
    const check = await ttlOf('stalled-check');
    expect(lock + check).toBeLessThanOrEqual(15_000);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@meridian/testing';
import type { Redis } from 'ioredis';

import { NamespaceAdmission } from './namespace-admission.js';
import { createRedisConnection } from './redis-connection.factory.js';

const concurrency = (maxConcurrency: number) => ({ maxConcurrency, maxRunsPerMinute: null });

describe(NamespaceAdmission.name, () => {
  let redis: Redis;
  let prefix: string;
  let sut: NamespaceAdmission;

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'admission-test');
  });
  beforeEach(() => {
    prefix = testRedisPrefix();
    sut = new NamespaceAdmission(redis, prefix);
  });
  afterEach(async () => {
    await deleteRedisPrefix(prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('should admit runs up to the concurrency limit, and the next one once a run gives its lease back', async () => {
    expect(await sut.admit('noisy', 'e1', concurrency(2), 60_000)).toEqual({ admitted: true });
    expect(await sut.admit('noisy', 'e2', concurrency(2), 60_000)).toEqual({ admitted: true });
    expect(await sut.admit('noisy', 'e3', concurrency(2), 60_000)).toMatchObject({ admitted: false });
    expect(await sut.admit('quiet', 'q1', concurrency(2), 60_000)).toEqual({ admitted: true });

    await sut.release('noisy', 'e1');
    expect(await sut.admit('noisy', 'e3', concurrency(2), 60_000)).toEqual({ admitted: true });
    expect(await sut.running('noisy')).toBe(2);
  });

  it('should admit a run that holds a lease already (a redelivery) without taking a second place', async () => {
    await sut.admit('noisy', 'e1', concurrency(1), 60_000);

    expect(await sut.admit('noisy', 'e1', concurrency(1), 60_000)).toEqual({ admitted: true });
    expect(await sut.running('noisy')).toBe(1);
  });

  it("should let a dead worker's lease expire by itself", async () => {
    await sut.admit('noisy', 'lost', concurrency(1), 100);
    expect(await sut.admit('noisy', 'next', concurrency(1), 60_000)).toMatchObject({ admitted: false });

    await sleep(150);
    expect(await sut.admit('noisy', 'next', concurrency(1), 60_000)).toEqual({ admitted: true });
  });

  it('should admit no more than the runs per minute, and say when to ask again', async () => {
    const limits = { maxConcurrency: null, maxRunsPerMinute: 2 };
    expect(await sut.admit('noisy', 'e1', limits, 60_000)).toEqual({ admitted: true });
    expect(await sut.admit('noisy', 'e2', limits, 60_000)).toEqual({ admitted: true });

    const refused = await sut.admit('noisy', 'e3', limits, 60_000);
    expect(refused).toMatchObject({ admitted: false });
    expect(refused.admitted === false && refused.retryInMs).toBeGreaterThan(50_000);
    expect(await sut.admit('quiet', 'q1', limits, 60_000)).toEqual({ admitted: true });
  });
});

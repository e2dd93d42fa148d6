import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { countRedisCommands, deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@meridian/testing';
import type { Redis } from 'ioredis';

import { type RateSubject, RateWindowCounters } from './rate-window-counters.js';
import { createRedisConnection } from './redis-connection.factory.js';

describe(RateWindowCounters.name, () => {
  let redis: Redis;
  let prefix: string;
  let sut: RateWindowCounters;
  const subject = (name: string, limit: number, burst = 0): RateSubject => ({ key: `${prefix}:${name}`, limit, burst });
  /** The outcome of `count` requests made one after the other: null (room) or the wait, per subject. */
  const consumeTimes = async (count: number, subjects: RateSubject[]) => {
    const outcomes: (number | null)[][] = [];
    for (let i = 0; i < count; i += 1) {
      outcomes.push(await sut.consume(subjects));
    }
    return outcomes;
  };

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'rate-window-test');
  });
  beforeEach(() => {
    prefix = testRedisPrefix();
    sut = new RateWindowCounters(redis, { windowMs: 60_000, burstWindowMs: 600_000 });
  });
  afterEach(async () => {
    await deleteRedisPrefix(prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('should give room up to the limit, then the time until the window ends', async () => {
    const outcomes = await consumeTimes(4, [subject('key', 3)]);

    expect(outcomes.slice(0, 3)).toEqual([[null], [null], [null]]);
    const [wait] = outcomes[3] ?? [];
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
  });

  it('should take the burst only once the limit is spent, and refuse past both', async () => {
    const outcomes = await consumeTimes(6, [subject('key', 2, 3)]);

    expect(outcomes.map(([wait]) => wait === null)).toEqual([true, true, true, true, true, false]);
    // The sooner window to end is the minute's.
    expect(outcomes[5]?.[0]).toBeLessThanOrEqual(60_000);
    expect(await redis.pttl(`${prefix}:key:burst`)).toBeGreaterThan(590_000);
  });

  it('should count every subject of a call, and answer for each', async () => {
    const key = subject('key', 5);
    const namespace = subject('namespace', 3);

    const outcomes = await consumeTimes(4, [key, namespace]);

    expect(outcomes.slice(0, 3)).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(outcomes[3]?.[0]).toBeNull();
    expect(outcomes[3]?.[1]).toBeGreaterThan(0);
    // The other key of the namespace finds it full as well.
    const [other, shared] = await sut.consume([subject('other-key', 5), namespace]);
    expect(other).toBeNull();
    expect(shared).toBeGreaterThan(0);
  });

  it('should give room again once the window has ended', async () => {
    sut = new RateWindowCounters(redis, { windowMs: 200, burstWindowMs: 400 });

    expect(await consumeTimes(2, [subject('key', 1)])).toEqual([[null], [expect.any(Number)]]);
    await sleep(250);

    expect(await sut.consume([subject('key', 1)])).toEqual([null]);
  });

  it('should cost one Redis command per call, however many subjects and bursts it counts', async () => {
    const counter = countRedisCommands(redis);
    sut = new RateWindowCounters(counter.redis);
    // The first call may also have to hand Redis the script.
    await sut.consume([subject('warm-up', 1)]);
    counter.reset();

    await consumeTimes(5, [subject('key', 1, 2), subject('namespace', 2, 1)]);

    expect(counter.count()).toBe(5);
  });
});

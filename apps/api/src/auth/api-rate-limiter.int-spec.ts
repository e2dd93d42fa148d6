import { once } from 'node:events';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { NamespaceRateLimitedError, RateLimitedError } from '@meridian/domain';
import { createRedisConnection } from '@meridian/queue';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@meridian/testing';
import type { Redis } from 'ioredis';
import type { PinoLogger } from 'nestjs-pino';

import { ApiRateLimiter } from './api-rate-limiter.js';

const logger = { warn: () => {} } as unknown as PinoLogger;

/**
 * How many of `count` requests of `keyId` (of namespace `namespace`), made at once, the limiter
 * refuses, and the first refusal.
 */
async function refusals(sut: ApiRateLimiter, keyId: string, count: number, namespace = `ns-of-${keyId}`) {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => sut.consume({ keyId, namespace })));
  const refused = outcomes
    .filter((outcome) => outcome.status === 'rejected')
    .map((outcome) => outcome.reason as unknown);
  return { count: refused.length, first: refused[0] };
}

describe(ApiRateLimiter.name, () => {
  let redis: Redis;
  let prefix: string;
  const limiter = (env: Record<string, string> = {}) =>
    new ApiRateLimiter(redis, loadConfig({ REDIS_PREFIX: prefix, ...env }), logger);

  beforeAll(async () => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'rate-limiter-test', 'client');
    // A client connection fails commands until it is connected: the limiter would count in memory.
    await once(redis, 'ready');
  });
  beforeEach(() => {
    prefix = testRedisPrefix();
  });
  afterEach(async () => {
    await deleteRedisPrefix(prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('should let one key make 10,000 requests at once with the default limits', async () => {
    const sut = limiter();

    expect((await refusals(sut, 'bursty', 10_000)).count).toBe(0);
  });

  it("should refuse a key past its minute's requests and its burst, saying how long to wait", async () => {
    const sut = limiter({ API_RATE_LIMIT_PER_MINUTE: '10', API_RATE_LIMIT_BURST: '5' });

    const { count, first } = await refusals(sut, 'greedy', 20);

    expect(count).toBe(5);
    expect(first).toBeInstanceOf(RateLimitedError);
    expect((first as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((first as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('should hold the per-minute limit alone when the burst is 0', async () => {
    const sut = limiter({ API_RATE_LIMIT_PER_MINUTE: '10', API_RATE_LIMIT_BURST: '0' });

    expect((await refusals(sut, 'greedy', 12)).count).toBe(2);
  });

  it('should count each key apart, and one key across every limiter on the same Redis', async () => {
    const env = { API_RATE_LIMIT_PER_MINUTE: '4', API_RATE_LIMIT_BURST: '2' };
    const [one, other] = [limiter(env), limiter(env)];

    expect((await refusals(one, 'shared', 3)).count).toBe(0);
    expect((await refusals(other, 'shared', 4)).count).toBe(1);
    expect((await refusals(other, 'own', 6)).count).toBe(0);
  });

  it("should hold the keys of one namespace together to the namespace's limit, however many they are", async () => {
    const sut = limiter({ API_NAMESPACE_RATE_LIMIT_PER_MINUTE: '6', API_NAMESPACE_RATE_LIMIT_BURST: '2' });

    const [first, second, third] = [
      await refusals(sut, 'one', 3, 'tenant'),
      await refusals(sut, 'two', 3, 'tenant'),
      await refusals(sut, 'three', 3, 'tenant'),
    ];

    expect([first.count, second.count, third.count]).toEqual([0, 0, 1]);
    expect(third.first).toBeInstanceOf(NamespaceRateLimitedError);
    expect((third.first as NamespaceRateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another namespace has room of its own.
    expect((await refusals(sut, 'elsewhere', 3, 'other-tenant')).count).toBe(0);
  });

  it('should name the key, not the namespace, when the key alone is over', async () => {
    const sut = limiter({ API_RATE_LIMIT_PER_MINUTE: '2', API_RATE_LIMIT_BURST: '0' });

    const { count, first } = await refusals(sut, 'greedy', 3, 'tenant');

    expect(count).toBe(1);
    expect(first).toBeInstanceOf(RateLimitedError);
  });

  it('should count in memory, with the same limits, when Redis does not answer', async () => {
    const offline = createRedisConnection({ url: 'redis://127.0.0.1:1' }, 'rate-limiter-offline', 'client');
    offline.on('error', () => {});
    try {
      const sut = new ApiRateLimiter(
        offline,
        loadConfig({ REDIS_PREFIX: prefix, API_RATE_LIMIT_PER_MINUTE: '3', API_RATE_LIMIT_BURST: '0' }),
        logger,
      );

      expect((await refusals(sut, 'alone', 5)).count).toBe(2);
    } finally {
      offline.disconnect();
    }
  });
});

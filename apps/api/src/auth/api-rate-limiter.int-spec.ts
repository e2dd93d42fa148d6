import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { RateLimitedError } from '@meridian/domain';
import { createRedisConnection } from '@meridian/queue';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@meridian/testing';
import type { Redis } from 'ioredis';
import type { PinoLogger } from 'nestjs-pino';

import { ApiRateLimiter } from './api-rate-limiter.js';

const logger = { warn: () => {} } as unknown as PinoLogger;

/** How many of `count` requests of `keyId`, made at once, the limiter refuses, and the first refusal. */
async function refusals(sut: ApiRateLimiter, keyId: string, count: number) {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => sut.consume(keyId)));
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

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'rate-limiter-test', 'client');
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
});

import { afterAll, beforeAll, describe, it, jest } from '@jest/globals';
import { type PrivateRedis, startPrivateRedis, useStack } from '@meridian/testing';

import { expectRedisDataLossHealed } from './redis-data-loss-scenario.js';

jest.setTimeout(120_000);

/** FLUSHALL on the deployment's Redis, while delayed jobs and a recurring job's run wait in it. */
describe('a Redis flushed under waiting jobs', () => {
  let redis: PrivateRedis | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  const ctx = useStack(() => ({ route: { redis: redis!.url } }));
  afterAll(async () => {
    await redis?.stop();
  });

  it('should run every delayed job and the lost run, and skip no occurrence as overlapping', async () => {
    await expectRedisDataLossHealed(ctx, redis!.url, 'redis FLUSHALL', () => redis!.flushAll());
  });
});

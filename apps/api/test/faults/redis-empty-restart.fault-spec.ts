import { afterAll, beforeAll, describe, it, jest } from '@jest/globals';
import { type PrivateRedis, startPrivateRedis, useStack } from '@meridian/testing';

import { expectRedisDataLossHealed } from './redis-data-loss-scenario.js';

jest.setTimeout(120_000);

/**
 * A restart of a Redis without persistence (AOF off: it comes back empty), while delayed jobs and a
 * recurring job's run wait in it. The apps lose their connections for the restart as well.
 */
describe('a Redis restarted empty under waiting jobs', () => {
  let redis: PrivateRedis | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis({ appendOnly: false });
  });
  const ctx = useStack(() => ({ route: { redis: redis!.url } }));
  afterAll(async () => {
    await redis?.stop();
  });

  it('should run every delayed job and the lost run, and skip no occurrence as overlapping', async () => {
    await expectRedisDataLossHealed(ctx, redis!.url, 'redis restart, AOF off', () => redis!.restart());
  });
});

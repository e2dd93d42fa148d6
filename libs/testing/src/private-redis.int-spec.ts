import { afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';

import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

describe(startPrivateRedis.name, () => {
  let sut: PrivateRedis | undefined;

  afterEach(async () => {
    await sut?.stop();
  });

  async function roundTrip(url: string, write?: string): Promise<string | null> {
    const redis = new Redis(url, { lazyConnect: true });
    await redis.connect();
    try {
      if (write !== undefined) {
        await redis.set('k', write);
      }
      return await redis.get('k');
    } finally {
      redis.disconnect();
    }
  }

  it('should lose everything on a flush, and on a restart without append-only', async () => {
    sut = await startPrivateRedis();
    expect(await roundTrip(sut.url, 'v')).toBe('v');
    await sut.flushAll();
    expect(await roundTrip(sut.url)).toBeNull();

    await roundTrip(sut.url, 'v');
    await sut.restart();
    expect(await roundTrip(sut.url)).toBeNull();
  });

  it('should keep what was written across a restart with append-only', async () => {
    sut = await startPrivateRedis({ appendOnly: true });
    await roundTrip(sut.url, 'kept');
    await sut.restart();
    expect(await roundTrip(sut.url)).toBe('kept');
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import { type PrivateRedis, startPrivateRedis, testRedisPrefix } from '@meridian/testing';
import type { Redis } from 'ioredis';

import { createRedisConnection } from './redis-connection.factory.js';
import { RedisDataLossDetector } from './redis-data-loss.detector.js';

describe(RedisDataLossDetector.name, () => {
  let server: PrivateRedis | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  async function connect(options: { appendOnly?: boolean } = {}): Promise<Redis> {
    server = await startPrivateRedis(options);
    redis = createRedisConnection({ url: server.url }, 'redis-data-loss-test', 'worker');
    return redis;
  }

  it('should report a loss on the first check of an empty Redis, and none while the data stays', async () => {
    const sut = new RedisDataLossDetector(await connect(), testRedisPrefix());

    expect(await sut.check(true)).toBe(true);
    expect(await sut.check()).toBe(false);
    expect(await sut.check(true)).toBe(false);
  });

  it('should report no loss on the first check of a Redis that holds its marker', async () => {
    const connection = await connect();
    const prefix = testRedisPrefix();
    await new RedisDataLossDetector(connection, prefix).check(true);

    expect(await new RedisDataLossDetector(connection, prefix).check(true)).toBe(false);
  });

  it('should report a FLUSHALL at the next check, once', async () => {
    const sut = new RedisDataLossDetector(await connect(), testRedisPrefix());
    await sut.check(true);

    await server?.flushAll();

    expect(await sut.check()).toBe(true);
    expect(await sut.check()).toBe(false);
  });

  it('should report a restart that lost the data', async () => {
    const sut = new RedisDataLossDetector(await connect({ appendOnly: false }), testRedisPrefix());
    await sut.check(true);

    // The connection waits through the reconnect (worker mode), so the check reaches the new server.
    await server?.restart();

    expect(await sut.check(true)).toBe(true);
  });

  it('should report a server replaced under the same address after a reconnect, though the marker is there', async () => {
    const sut = new RedisDataLossDetector(await connect({ appendOnly: true }), testRedisPrefix());
    await sut.check(true);

    await server?.restart();

    expect(await sut.check(true)).toBe(true);
    expect(await sut.check(true)).toBe(false);
  });

  it('should report to a second process the loss a first one saw and marked again', async () => {
    const connection = await connect();
    const prefix = testRedisPrefix();
    const first = new RedisDataLossDetector(connection, prefix);
    const second = new RedisDataLossDetector(connection, prefix);
    await first.check(true);
    await second.check(true);

    await server?.flushAll();

    expect(await first.check()).toBe(true);
    expect(await second.check()).toBe(true);
  });
});

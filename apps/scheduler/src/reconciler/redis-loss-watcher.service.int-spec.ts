import { once } from 'node:events';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { createRedisConnection } from '@meridian/queue';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@meridian/testing';
import type { Redis } from 'ioredis';
import type { PinoLogger } from 'nestjs-pino';

import type { ReconcilerService } from './reconciler.service.js';
import { RedisLossWatcher } from './redis-loss-watcher.service.js';

describe(RedisLossWatcher.name, () => {
  const prefix = testRedisPrefix();
  let redis: Redis;
  const lines: { level: 'info' | 'warn'; msg: string }[] = [];
  const logger = {
    info: (_: unknown, msg: string) => lines.push({ level: 'info', msg }),
    warn: (_: unknown, msg: string) => lines.push({ level: 'warn', msg }),
  } as unknown as PinoLogger;
  let passes = 0;
  const reconciler = { reconcileAfterLoss: () => Promise.resolve((passes += 1)) } as unknown as ReconcilerService;

  beforeAll(async () => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'redis-loss-watcher-test', 'client');
    await once(redis, 'ready');
  });
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    await redis.quit();
  });

  it('should check Redis against Postgres at start without calling it a loss, and warn of a real loss after', async () => {
    const sut = new RedisLossWatcher(redis, reconciler, loadConfig({ REDIS_PREFIX: prefix }), logger);

    // A new deployment: no marker yet. The pass runs (Redis may have been emptied while no
    // scheduler ran), but nothing says data was lost.
    await sut.checkNow();
    expect({ passes, warnings: lines.filter((line) => line.level === 'warn') }).toEqual({ passes: 1, warnings: [] });

    await sut.checkNow();
    expect(passes).toBe(1);

    // The marker goes while the process runs: a loss.
    await redis.del(`${prefix}:meridian:epoch`);
    await sut.checkNow();
    expect(passes).toBe(2);
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.msg)).toEqual([
      'redis lost its data; rebuilt it from postgres',
    ]);
  });

  it('should find a loss that happens while a check is under way, for a caller that asked after it', async () => {
    let rebuilds = 0;
    const counting = { reconcileAfterLoss: () => Promise.resolve((rebuilds += 1)) } as unknown as ReconcilerService;
    const ownPrefix = testRedisPrefix();
    const sut = new RedisLossWatcher(redis, counting, loadConfig({ REDIS_PREFIX: ownPrefix }), logger);
    try {
      await sut.checkNow();
      rebuilds = 0;

      // The same connection orders the commands: the check under way reads the marker, then it goes.
      const underWay = sut.checkNow();
      await redis.del(`${ownPrefix}:meridian:epoch`);
      await sut.checkNow();
      await underWay;

      expect(rebuilds).toBe(1);
    } finally {
      await deleteRedisPrefix(ownPrefix);
    }
  });

  it('should answer that Redis is unchecked while it does not answer, and while a rebuild is owed', async () => {
    // A connection that is gone: a client connection fails its commands at once.
    const closed = createRedisConnection({ url: TEST_REDIS_URL }, 'redis-loss-watcher-closed', 'client');
    await once(closed, 'ready');
    await closed.quit();
    const failing = {
      reconcileAfterLoss: () => Promise.reject(new Error('redis went away')),
    } as unknown as ReconcilerService;
    const ownPrefix = testRedisPrefix();
    const watcher = (connection: Redis, rebuild: ReconcilerService) =>
      new RedisLossWatcher(connection, rebuild, loadConfig({ REDIS_PREFIX: ownPrefix }), logger);
    try {
      expect(await watcher(closed, reconciler).checkNow()).toBe(false);
      expect(await watcher(redis, failing).checkNow()).toBe(false);
      expect(await watcher(redis, reconciler).checkNow()).toBe(true);
    } finally {
      await deleteRedisPrefix(ownPrefix);
    }
  });

  it('should run the pass it owes at the next check when the pass after a loss failed', async () => {
    let attempts = 0;
    const failingOnce = {
      reconcileAfterLoss: () => {
        attempts += 1;
        return attempts === 2 ? Promise.reject(new Error('redis went away again')) : Promise.resolve(0);
      },
    } as unknown as ReconcilerService;
    const ownPrefix = testRedisPrefix();
    const sut = new RedisLossWatcher(redis, failingOnce, loadConfig({ REDIS_PREFIX: ownPrefix }), logger);
    try {
      await sut.checkNow();

      await redis.del(`${ownPrefix}:meridian:epoch`);
      await sut.checkNow();
      // The marker is back, so this check finds no loss, but the rebuild is still owed.
      await sut.checkNow();
      await sut.checkNow();

      expect(attempts).toBe(3);
    } finally {
      await deleteRedisPrefix(ownPrefix);
    }
  });
});

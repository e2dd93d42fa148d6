import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import { TEST_REDIS_URL } from './test-env.js';

/** A Redis key prefix of this test's own, so tests share one Redis without seeing each other. */
export function testRedisPrefix(): string {
  return `mtest-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix`, on the test Redis unless `url` names another. */
export async function deleteRedisPrefix(prefix: string, url: string = TEST_REDIS_URL): Promise<void> {
  // No reconnecting, and a bound on each command: a Redis a fault test has stopped, or a proxy it left
  // stalled, fails the cleanup instead of hanging it.
  const redis = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 1,
    enableReadyCheck: false,
    commandTimeout: 10_000,
  });
  // A failed connection rejects connect() below; the event would only repeat it in the log.
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

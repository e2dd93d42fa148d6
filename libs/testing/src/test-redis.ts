import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import { TEST_REDIS_URL } from './test-env.js';

/** A Redis key prefix of this test's own, so tests share one Redis without seeing each other. */
export function testRedisPrefix(): string {
  return `mtest-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix`. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
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

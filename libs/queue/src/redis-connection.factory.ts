import { Redis } from 'ioredis';

export interface RedisOptions {
  /** redis:// or rediss:// URL. */
  url: string;
}

/**
 * How a connection behaves while Redis is away:
 * - `worker`: commands wait through a reconnect (`maxRetriesPerRequest: null`), which BullMQ
 *   requires of the connections its workers block on;
 * - `client`: commands fail at once, so an API request or a relay pass answers or retries instead of
 *   hanging until Redis is back.
 */
export type RedisConnectionMode = 'worker' | 'client';

export function createRedisConnection(
  options: RedisOptions,
  name: string,
  mode: RedisConnectionMode = 'worker',
): Redis {
  return new Redis(
    options.url,
    mode === 'worker'
      ? { maxRetriesPerRequest: null, connectionName: name }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectionName: name },
  );
}

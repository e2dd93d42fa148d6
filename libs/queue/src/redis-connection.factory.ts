import { Redis } from 'ioredis';

export interface RedisOptions {
  /** redis:// or rediss:// URL. */
  url: string;
}

/**
 * A Redis connection suitable for BullMQ workers and queues: `maxRetriesPerRequest: null` makes
 * commands wait through a reconnect instead of failing, which BullMQ requires of blocking
 * connections.
 */
export function createRedisConnection(options: RedisOptions, name: string): Redis {
  return new Redis(options.url, { maxRetriesPerRequest: null, connectionName: name, enableReadyCheck: true });
}

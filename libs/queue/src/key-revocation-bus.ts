import type { Redis } from 'ioredis';

import { RedisChannel } from './redis-channel.js';

/**
 * Tells every api process the id of an API key just revoked, so each drops it from its cache of
 * verified keys. Fire-and-forget: Postgres already holds the revocation, and a process that may have
 * missed a message (its subscription dropped) forgets every cached key; the cache's TTL bounds the rest.
 */
export class KeyRevocationBus extends RedisChannel {
  constructor(connection: Redis, prefix: string) {
    super(connection, prefix, 'key-revocations');
  }
}

import type { Redis } from 'ioredis';

import { RedisChannel } from './redis-channel.js';

/**
 * Tells every worker that an execution was cancelled, so whichever one is running it can abort the
 * handler's signal. Fire-and-forget: Postgres already holds the CANCELLED state, and a worker that
 * misses the message still cannot write a result over it.
 */
export class CancellationBus extends RedisChannel {
  constructor(connection: Redis, prefix: string) {
    super(connection, prefix, 'cancellations');
  }
}

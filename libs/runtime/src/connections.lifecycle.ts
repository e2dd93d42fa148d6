import type { Database } from '@meridian/db';
import { ExecutionQueueGateway } from '@meridian/queue';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { DATABASE, REDIS } from './tokens.js';

/**
 * Closes the process's connections last: apps stop their own work in `beforeApplicationShutdown`,
 * which Nest runs before any `onApplicationShutdown`.
 */
@Injectable()
export class ConnectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: ExecutionQueueGateway,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
    await this.db.$disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

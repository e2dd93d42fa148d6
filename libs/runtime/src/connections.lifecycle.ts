import { JobRepository, type Postgres } from '@meridian/db';
import { ExecutionQueueGateway } from '@meridian/queue';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { POSTGRES, REDIS } from './tokens.js';

/**
 * Closes the process's connections last: apps stop their own work in `beforeApplicationShutdown`,
 * which Nest runs before any `onApplicationShutdown`.
 */
@Injectable()
export class ConnectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(POSTGRES) private readonly postgres: Postgres,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: ExecutionQueueGateway,
    private readonly jobs: JobRepository,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
    // Creates already answered for are committed; this waits for those still being written.
    await this.jobs.drain();
    await this.postgres.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

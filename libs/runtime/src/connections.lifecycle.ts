import { JobRepository, type Postgres } from '@meridian/db';
import { ExecutionQueueGateway, TickQueueGateway } from '@meridian/queue';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { Repositories } from './repositories.js';
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
    private readonly ticks: TickQueueGateway,
    private readonly repositories: Repositories,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.queues.close(), this.ticks.close()]);
    // Creates already answered for are committed; this waits for those still being written.
    await this.repositories.ifBuilt(JobRepository)?.drain();
    await this.postgres.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

import type { MeridianConfig } from '@meridian/config';
import { createRedisConnection, fromScheduleTickData, stallDetectionOptions, TICK_QUEUE } from '@meridian/queue';
import { CONFIG } from '@meridian/runtime';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { RecurrenceService } from './recurrence.service.js';

/**
 * Consumes the tick queue. Any number of scheduler replicas may run it: BullMQ hands each tick to
 * one of them, and the ledger refuses an occurrence handled twice.
 */
@Injectable()
export class TickWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: Worker | undefined;
  private connection: Redis | undefined;

  constructor(
    private readonly recurrence: RecurrenceService,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(TickWorker.name) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Workers block on their connection, so they get one that waits through reconnects.
    this.connection = createRedisConnection(this.config.redis, 'meridian-scheduler-ticks', 'worker');
    this.worker = new Worker(TICK_QUEUE, (job) => this.recurrence.handleTick(fromScheduleTickData(job.data)), {
      connection: this.connection,
      prefix: this.config.redis.prefix,
      // Many at once, so that ticks due together reach RecurrenceService together and share a batch.
      concurrency: this.config.scheduler.tickConcurrency,
      // A killed replica's held ticks go to another replica as soon as their lock is found expired.
      ...stallDetectionOptions(this.config.stallDetection),
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'tick worker error'));
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ tick: job?.data as unknown, err: error }, 'tick failed; BullMQ retries it'),
    );
    await this.worker.waitUntilReady();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}

import type { MeridianConfig } from '@meridian/config';
import { TickQueueWorker } from '@meridian/queue';
import { CONFIG } from '@meridian/runtime';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { RecurrenceService } from './recurrence.service.js';

/**
 * Hands the tick queue's ticks to {@link RecurrenceService}. Any number of scheduler replicas may
 * run it: BullMQ hands each tick to one of them, and the ledger refuses an occurrence handled twice.
 */
@Injectable()
export class TickWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: TickQueueWorker | undefined;

  constructor(
    private readonly recurrence: RecurrenceService,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(TickWorkerService.name) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.worker = await TickQueueWorker.start({
      redis: this.config.redis,
      prefix: this.config.redis.prefix,
      connectionName: 'meridian-scheduler-ticks',
      concurrency: this.config.scheduler.tickConcurrency,
      stallDetection: this.config.stallDetection,
      handle: (tick) => this.recurrence.handleTick(tick),
      onError: (error) => this.logger.error({ err: error }, 'tick worker error'),
      onFailed: (tick, error) => this.logger.warn({ tick, err: error }, 'tick failed; BullMQ retries it'),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}

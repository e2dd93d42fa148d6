import type { MeridianConfig } from '@meridian/config';
import { CancellationBus, MERIDIAN_BACKOFF, stallDetectionOptions } from '@meridian/queue';
import { CONFIG, REDIS } from '@meridian/runtime';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { CANCELLED_BY_USER, WORKER_SHUTDOWN } from './abort-reasons.js';
import { DatabaseOutage } from './database-outage.js';
import { ExecutionRunner } from './execution-runner.js';
import { RetryScheduledError } from './retry-scheduled.error.js';

/**
 * One BullMQ worker per configured queue, all running executions through {@link ExecutionRunner}.
 * On shutdown: stop taking work, let in-flight attempts finish for the grace period, then abort
 * them so they are handed back to the queue. While Postgres is down, take no work either.
 */
@Injectable()
export class WorkerPool implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers: Worker[] = [];
  private subscriber: Redis | undefined;
  private closing = false;

  constructor(
    private readonly runner: ExecutionRunner,
    private readonly outage: DatabaseOutage,
    private readonly cancellations: CancellationBus,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectPinoLogger(WorkerPool.name) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const queue of this.config.queues) {
      const worker = new Worker(queue, (job, token, signal) => this.runner.process(job, token, signal), {
        connection: this.redis,
        prefix: this.config.redis.prefix,
        concurrency: this.config.worker.concurrency,
        name: this.config.worker.id,
        ...stallDetectionOptions(this.config.stallDetection),
        settings: {
          backoffStrategy: (_attemptsMade, type, error) =>
            type === MERIDIAN_BACKOFF && error instanceof RetryScheduledError ? error.retryDelayMs : 1000,
        },
      });
      worker.on('error', (error) => this.logger.error({ queue, err: error }, 'worker error'));
      this.workers.push(worker);
    }
    this.outage.onChange((down) => this.pauseWhile(down));
    this.subscriber = this.redis.duplicate({ connectionName: `${this.config.worker.id}-cancellations` });
    await this.cancellations.subscribe(this.subscriber, (executionId) => {
      for (const worker of this.workers) {
        if (worker.cancelJob(executionId, CANCELLED_BY_USER)) {
          this.logger.info({ executionId }, 'cancelling running attempt');
        }
      }
    });
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    this.logger.info(
      { queues: this.config.queues, concurrency: this.config.worker.concurrency, workerId: this.config.worker.id },
      'worker ready',
    );
  }

  /**
   * Stops fetching jobs while Postgres is down (attempts under way go on, and their writes hand
   * them back to the queue should they fail), and fetches again once it answers.
   */
  private pauseWhile(down: boolean): void {
    if (this.closing) {
      return;
    }
    this.logger.warn({ down }, down ? 'postgres unreachable; taking no work' : 'postgres answers; taking work again');
    for (const worker of this.workers) {
      if (down) {
        worker.pause(true).catch((error: unknown) => this.logger.error({ err: error }, 'worker not paused'));
      } else {
        void worker.resume();
      }
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.closing = true;
    this.logger.info({ signal, graceMs: this.config.worker.shutdownGraceMs }, 'worker shutting down');
    const grace = setTimeout(() => {
      this.logger.warn('shutdown grace period over; handing running attempts back to the queue');
      for (const worker of this.workers) {
        worker.cancelAllJobs(WORKER_SHUTDOWN);
      }
    }, this.config.worker.shutdownGraceMs);
    try {
      await Promise.all(this.workers.map((worker) => worker.close()));
    } finally {
      clearTimeout(grace);
      await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    }
    this.logger.info('worker stopped');
  }
}

import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import { fromScheduleTickData, type ScheduleTick, TICK_QUEUE } from './job-catalog.js';
import { createRedisConnection, type RedisOptions } from './redis-connection.factory.js';
import { stallDetectionOptions, type StallDetectionSettings } from './stall-detection.js';

export interface TickQueueWorkerOptions {
  redis: RedisOptions;
  /** Prefix of every BullMQ key. @defaultValue 'meridian' */
  prefix: string;
  /** Name of the worker's own Redis connection, as `CLIENT LIST` shows it. */
  connectionName: string;
  /** Ticks handled at once. @defaultValue 2000 (SCHEDULER_TICK_CONCURRENCY) */
  concurrency: number;
  stallDetection: StallDetectionSettings;
  /** Handles one tick; a rejection fails the tick, and BullMQ retries it by the catalog's policy. */
  handle: (tick: ScheduleTick) => Promise<unknown>;
  onError: (error: Error) => void;
  onFailed: (tick: unknown, error: Error) => void;
}

/**
 * Consumes the tick queue. Any number of scheduler replicas may run one: BullMQ hands each tick to
 * one of them.
 */
export class TickQueueWorker {
  private constructor(
    private readonly worker: Worker,
    private readonly connection: Redis,
  ) {}

  /** Starts consuming; resolves once the worker is connected. */
  static async start(options: TickQueueWorkerOptions): Promise<TickQueueWorker> {
    // Workers block on their connection, so they get one of their own that waits through reconnects.
    const connection = createRedisConnection(options.redis, options.connectionName, 'worker');
    const worker = new Worker(TICK_QUEUE, (job) => options.handle(fromScheduleTickData(job.data)), {
      connection,
      prefix: options.prefix,
      // Many at once, so that ticks due together reach their handler together and share a batch.
      concurrency: options.concurrency,
      // A killed replica's held ticks go to another replica as soon as their lock is found expired.
      ...stallDetectionOptions(options.stallDetection),
    });
    worker.on('error', options.onError);
    worker.on('failed', (job, error) => options.onFailed(job?.data, error));
    await worker.waitUntilReady();
    return new TickQueueWorker(worker, connection);
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

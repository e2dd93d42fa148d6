import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { removeFinishedJobs } from './finished-jobs.js';
import { catalogJobOptions, jobCatalog, JobName, type ScheduleTick, TICK_QUEUE, tickJobId } from './job-catalog.js';

export interface TickQueueOptions {
  connection: Redis;
  /** Prefix of every BullMQ key. @defaultValue 'meridian' */
  prefix: string;
}

/**
 * How long before its nominal time a tick is handed to a scheduler, which holds it until the due
 * instant (RecurrenceService). Taking a tick out of Redis is one round trip per tick; done early, it
 * is off the path of the occurrence, and the ticks of one second are all in hand when it comes, so
 * they are handled as one batch at once rather than as they trickle in.
 */
export const TICK_LEAD_MS = 1000;

/** Arms recurring jobs' ticks in the scheduler's tick queue. A tick's id is its job and nominal time. */
export class TickQueueGateway {
  private readonly ticks: Queue;

  constructor(options: TickQueueOptions) {
    this.ticks = new Queue(TICK_QUEUE, { connection: options.connection, prefix: options.prefix });
  }

  /**
   * Puts recurring jobs' next ticks into the tick queue, each delayed until {@link TICK_LEAD_MS}
   * before its nominal time. Idempotent: a tick's id is its job and nominal time.
   */
  async armTicks(ticks: readonly ScheduleTick[], now: number = Date.now()): Promise<void> {
    if (ticks.length === 0) {
      return;
    }
    const policy = jobCatalog[JobName.ScheduleTick];
    await this.ticks.addBulk(
      ticks.map((tick) => {
        const data = { jobId: tick.jobId, nominalTime: tick.nominalTime.toISOString() };
        return {
          name: JobName.ScheduleTick,
          data,
          opts: {
            jobId: tickJobId(tick),
            delay: Math.max(0, tick.nominalTime.getTime() - TICK_LEAD_MS - now),
            ...catalogJobOptions(policy, data),
          },
        };
      }),
    );
  }

  /** Ticks BullMQ no longer has, or has finished with, among `ticks`: those to arm again. */
  async lostTicks(ticks: readonly ScheduleTick[]): Promise<ScheduleTick[]> {
    const states = await Promise.all(ticks.map((tick) => this.ticks.getJobState(tickJobId(tick))));
    return ticks.filter((_, index) => ['unknown', 'completed', 'failed'].includes(states[index] ?? 'unknown'));
  }

  /** Arms ticks again, first removing finished ones that would make the re-add a no-op. */
  async rearmTicks(ticks: readonly ScheduleTick[]): Promise<void> {
    await removeFinishedJobs(ticks.map((tick) => [this.ticks, tickJobId(tick)] as const));
    await this.armTicks(ticks);
  }

  async close(): Promise<void> {
    await this.ticks.close();
  }
}

import type { ExecutionDispatch } from '@meridian/domain';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import {
  JobName,
  MERIDIAN_BACKOFF,
  type ScheduleTick,
  TICK_QUEUE,
  tickJobId,
  toBullPriority,
  toExecutionRunData,
} from './job-catalog.js';

export interface ExecutionQueueOptions {
  connection: Redis;
  /** Prefix of every BullMQ key. @defaultValue 'meridian' */
  prefix: string;
  /** Queue names this process may enqueue to or remove from. */
  queues: readonly string[];
}

export type RemoveOutcome = 'removed' | 'active' | 'absent';

/**
 * Finished BullMQ jobs are kept for a while so the admin UI can show them; Postgres keeps the full
 * history, so Redis does not have to.
 */
const RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/**
 * How long before its nominal time a tick is handed to a scheduler, which holds it until the due
 * instant (RecurrenceService). Taking a tick out of Redis is one round trip per tick; done early, it
 * is off the path of the occurrence, and the ticks of one second are all in hand when it comes, so
 * they are handled as one batch at once rather than as they trickle in.
 */
export const TICK_LEAD_MS = 1000;

/** Enqueues and removes executions. BullMQ job ids are execution ids, so every enqueue is idempotent. */
export class ExecutionQueueGateway {
  private readonly queues = new Map<string, Queue>();
  private readonly ticks: Queue;

  constructor(private readonly options: ExecutionQueueOptions) {
    for (const name of options.queues) {
      this.queues.set(name, new Queue(name, { connection: options.connection, prefix: options.prefix }));
    }
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
    await this.ticks.addBulk(
      ticks.map((tick) => ({
        name: JobName.ScheduleTick,
        data: { jobId: tick.jobId, nominalTime: tick.nominalTime.toISOString() },
        opts: {
          jobId: tickJobId(tick),
          delay: Math.max(0, tick.nominalTime.getTime() - TICK_LEAD_MS - now),
          // A failed tick (Postgres down) is retried; the reconciler re-arms one that gave up.
          attempts: 10,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 24 * 3600 },
        },
      })),
    );
  }

  /** Ticks BullMQ no longer has, or has finished with, among `ticks`: those to arm again. */
  async lostTicks(ticks: readonly ScheduleTick[]): Promise<ScheduleTick[]> {
    const states = await Promise.all(ticks.map((tick) => this.ticks.getJobState(tickJobId(tick))));
    return ticks.filter((_, index) => ['unknown', 'completed', 'failed'].includes(states[index] ?? 'unknown'));
  }

  /** Arms ticks again, first removing finished ones that would make the re-add a no-op. */
  async rearmTicks(ticks: readonly ScheduleTick[]): Promise<void> {
    await removeFinished(ticks.map((tick) => [this.ticks, tickJobId(tick)] as const));
    await this.armTicks(ticks);
  }

  /** All queues, for the admin UI and readiness checks. */
  all(): Queue[] {
    return [...this.queues.values()];
  }

  /** Adds executions with one `addBulk` per queue: one round trip for a whole relay batch. */
  async enqueue(items: readonly ExecutionDispatch[], now: number = Date.now()): Promise<void> {
    const byQueue = new Map<string, ExecutionDispatch[]>();
    for (const item of items) {
      const batch = byQueue.get(item.queue);
      if (batch === undefined) {
        byQueue.set(item.queue, [item]);
      } else {
        batch.push(item);
      }
    }
    await Promise.all(
      [...byQueue].map(([queue, batch]) =>
        this.queue(queue).addBulk(
          batch.map((item) => ({
            name: JobName.ExecutionRun,
            data: toExecutionRunData(item),
            opts: {
              jobId: item.executionId,
              delay: Math.max(0, item.scheduledFor.getTime() - now),
              priority: toBullPriority(item.priority),
              attempts: item.retry.maxAttempts,
              backoff: { type: MERIDIAN_BACKOFF },
              ...RETENTION,
            },
          })),
        ),
      ),
    );
  }

  /**
   * Removes a waiting or delayed execution. A job that a worker holds is locked and cannot be
   * removed: the caller signals cancellation instead.
   */
  async remove(queue: string, executionId: string): Promise<RemoveOutcome> {
    const job = await this.queue(queue).getJob(executionId);
    if (job === undefined) {
      return 'absent';
    }
    try {
      await job.remove();
      return 'removed';
    } catch {
      return (await job.isActive()) ? 'active' : 'absent';
    }
  }

  /**
   * BullMQ's state of each execution's job ('waiting', 'delayed', 'active', 'prioritized',
   * 'completed', 'failed', or 'unknown' when Redis has no such job).
   */
  async states(items: readonly ExecutionDispatch[]): Promise<Map<string, string>> {
    const states = await Promise.all(
      items.map(
        async (item) => [item.executionId, await this.queue(item.queue).getJobState(item.executionId)] as const,
      ),
    );
    return new Map(states);
  }

  /**
   * Enqueues executions again after Redis lost them or BullMQ gave up on them. A finished BullMQ job
   * would turn the re-add into a no-op, so it is removed first.
   */
  async requeue(items: readonly ExecutionDispatch[]): Promise<void> {
    await removeFinished(items.map((item) => [this.queue(item.queue), item.executionId] as const));
    await this.enqueue(items);
  }

  async close(): Promise<void> {
    await Promise.all([...this.all(), this.ticks].map((queue) => queue.close()));
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (queue === undefined) {
      // Jobs are validated against the configured queues at create time; reaching here means the
      // configuration changed under stored jobs. Fail loudly so the outbox row is retried, not lost.
      throw new UnknownQueueAtDispatchError(name);
    }
    return queue;
  }
}

/** Removes the completed or failed BullMQ jobs among `jobs`, so adding them again is not a no-op. */
async function removeFinished(jobs: readonly (readonly [Queue, string])[]): Promise<void> {
  await Promise.all(
    jobs.map(async ([queue, id]) => {
      const job = await queue.getJob(id);
      if (job !== undefined && ((await job.isCompleted()) || (await job.isFailed()))) {
        await job.remove();
      }
    }),
  );
}

export class UnknownQueueAtDispatchError extends Error {
  constructor(readonly queue: string) {
    super(`queue "${queue}" is not configured in this process (QUEUES)`);
    this.name = 'UnknownQueueAtDispatchError';
  }
}

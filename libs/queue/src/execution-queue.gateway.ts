import type { ExecutionDispatch } from '@meridian/domain';
import { type JobsOptions, type JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { removeFinishedJobs } from './finished-jobs.js';
import {
  catalogJobOptions,
  type ExecutionRunData,
  jobCatalog,
  JobName,
  toBullPriority,
  toExecutionRunData,
} from './job-catalog.js';
import { UnknownQueueAtDispatchError } from './unknown-queue-at-dispatch.error.js';

export interface ExecutionQueueOptions {
  connection: Redis;
  /** Prefix of every BullMQ key. @defaultValue 'meridian' */
  prefix: string;
  /** Queue names this process may enqueue to or remove from. */
  queues: readonly string[];
}

export type RemoveOutcome = 'removed' | 'active' | 'absent';

/** Enqueues and removes executions. BullMQ job ids are execution ids, so every enqueue is idempotent. */
export class ExecutionQueueGateway {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: ExecutionQueueOptions) {
    for (const name of options.queues) {
      this.queues.set(name, new Queue(name, { connection: options.connection, prefix: options.prefix }));
    }
  }

  /** All queues, for the admin UI and readiness checks. */
  all(): Queue[] {
    return [...this.queues.values()];
  }

  /**
   * How many jobs each queue holds in each of `states`, one getJobCounts per queue, in the order of
   * the configuration: what the scheduler's meridian_queue_jobs gauge and the api's overview show.
   */
  async countJobs<S extends JobType>(states: readonly S[]): Promise<{ queue: string; counts: Record<S, number> }[]> {
    return Promise.all(
      this.all().map(async (queue) => {
        const counts = await queue.getJobCounts(...states);
        return {
          queue: queue.name,
          counts: Object.fromEntries(states.map((state) => [state, counts[state] ?? 0])) as Record<S, number>,
        };
      }),
    );
  }

  /**
   * How many BullMQ workers are connected to each queue, in the order of the configuration. BullMQ
   * finds them in Redis's CLIENT LIST by the name each worker's connection gives itself
   * (getWorkersCount): a Redis that refuses CLIENT LIST fails this, and one that ignores CLIENT
   * SETNAME (some managed services) reads 0.
   */
  async countWorkers(): Promise<{ queue: string; workers: number }[]> {
    return Promise.all(
      this.all().map(async (queue) => ({ queue: queue.name, workers: await queue.getWorkersCount() })),
    );
  }

  /** Adds executions with one `addBulk` per queue: one round trip for a whole relay batch. */
  async enqueue(items: readonly ExecutionDispatch[], now: number = Date.now()): Promise<void> {
    const policy = jobCatalog[JobName.ExecutionRun];
    const byQueue = new Map<
      string,
      { name: typeof JobName.ExecutionRun; data: ExecutionRunData; opts: JobsOptions }[]
    >();
    for (const item of items) {
      const data = toExecutionRunData(item);
      const job = {
        name: JobName.ExecutionRun,
        data,
        opts: {
          jobId: item.executionId,
          delay: Math.max(0, item.scheduledFor.getTime() - now),
          priority: toBullPriority(item.priority),
          ...catalogJobOptions(policy, data),
        },
      };
      const queue = policy.queue(data);
      const batch = byQueue.get(queue);
      if (batch === undefined) {
        byQueue.set(queue, [job]);
      } else {
        batch.push(job);
      }
    }
    await Promise.all([...byQueue].map(([queue, batch]) => this.queue(queue).addBulk(batch)));
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
    await removeFinishedJobs(items.map((item) => [this.queue(item.queue), item.executionId] as const));
    await this.enqueue(items);
  }

  /**
   * Enqueues again parents that wait in BullMQ for children that have all ended in Postgres (a link
   * lost with part of Redis): the BullMQ job, in waiting-children or wherever it is, is removed
   * first, unless a worker holds it, in which case it is left to that worker.
   */
  async requeueParked(items: readonly ExecutionDispatch[]): Promise<ExecutionDispatch[]> {
    const requeued: ExecutionDispatch[] = [];
    for (const item of items) {
      const removal = await this.remove(item.queue, item.executionId);
      if (removal !== 'active') {
        requeued.push(item);
      }
    }
    await this.enqueue(requeued);
    return requeued;
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
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

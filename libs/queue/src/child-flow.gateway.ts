import type { ExecutionDispatch } from '@meridian/domain';
import { FlowProducer, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import { executionRunJob } from './job-catalog.js';

export interface ChildFlowOptions {
  connection: Redis;
  /** Prefix of every BullMQ key. @defaultValue 'meridian' */
  prefix: string;
}

/**
 * Adds the children a running handler started to BullMQ as children of its parent's job (a flow),
 * so that the parent can wait for them in BullMQ's waiting-children state without holding a worker
 * slot, and is moved back to its queue when the last one has ended.
 */
export class ChildFlowGateway {
  private readonly producer: FlowProducer;

  constructor(private readonly options: ChildFlowOptions) {
    this.producer = new FlowProducer({ connection: options.connection, prefix: options.prefix });
  }

  /**
   * Adds `children` under the BullMQ job of `parent` (its execution id, in its queue), all in one
   * atomic `addBulk`. Each child gets the options of any execution (the same job id, so adding one
   * again is a no-op that only links it to the parent, attempts, backoff and retention from the job
   * catalog) and `ignoreDependencyOnFailure`: a child that fails for good still releases the parent,
   * and Meridian applies the parent's failure policy from Postgres.
   */
  async addChildren(
    parent: Pick<ExecutionDispatch, 'executionId' | 'queue'>,
    children: readonly ExecutionDispatch[],
    now: number = Date.now(),
  ): Promise<void> {
    if (children.length === 0) {
      return;
    }
    const parentOptions = { id: parent.executionId, queue: `${this.options.prefix}:${parent.queue}` };
    await this.producer.addBulk(
      children.map((child) => {
        const job = executionRunJob(child, now);
        return {
          name: job.name,
          queueName: job.queue,
          data: job.data,
          opts: { ...job.opts, parent: parentOptions, ignoreDependencyOnFailure: true },
        };
      }),
    );
  }

  /**
   * Moves the parent's active job to waiting-children: true when it moved (the worker slot is free;
   * the caller throws BullMQ's WaitingChildrenError), false when BullMQ holds no pending child of it
   * (they all ended already, or Redis lost the links): Postgres then decides.
   */
  async waitForChildren(job: Job, token: string): Promise<boolean> {
    return job.moveToWaitingChildren(token);
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { anExecutionDispatch, deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix, waitFor } from '@meridian/testing';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import { ChildFlowGateway } from './child-flow.gateway.js';
import { ExecutionQueueGateway } from './execution-queue.gateway.js';
import { createRedisConnection } from './redis-connection.factory.js';

describe(ChildFlowGateway.name, () => {
  let redis: Redis;
  let prefix: string;
  let sut: ChildFlowGateway;
  let gateway: ExecutionQueueGateway;
  let queue: Queue;
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'child-flow-test');
  });

  beforeEach(() => {
    prefix = testRedisPrefix();
    sut = new ChildFlowGateway({ connection: redis, prefix });
    gateway = new ExecutionQueueGateway({ connection: redis, prefix, queues: ['default'] });
    queue = new Queue('default', { connection: redis, prefix });
  });

  afterEach(async () => {
    await worker?.close();
    await workerConnection?.quit();
    worker = undefined;
    workerConnection = undefined;
    await Promise.all([sut.close(), gateway.close(), queue.close()]);
    await deleteRedisPrefix(prefix);
  });

  afterAll(async () => {
    await redis.quit();
  });

  /** A parent job enqueued as an execution, held active by a worker that hands it to `onParent`. */
  async function anActiveParent(onParent: (job: Job, token: string) => Promise<unknown>) {
    const parent = anExecutionDispatch({ handler: 'fan-out' });
    workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
    worker = new Worker(
      'default',
      async (job, token) => (job.id === parent.executionId ? onParent(job, token ?? '') : { child: job.id }),
      { connection: workerConnection, prefix },
    );
    await gateway.enqueue([parent]);
    return parent;
  }

  it('should add children under the active parent, park it in waiting-children, and release it once they complete', async () => {
    const children = [anExecutionDispatch(), anExecutionDispatch()];
    let parked: boolean | undefined;
    let deliveries = 0;
    const parent = await anActiveParent(async (job, token) => {
      deliveries += 1;
      if (deliveries === 1) {
        await sut.addChildren({ executionId: job.id ?? '', queue: 'default' }, children);
        parked = await sut.waitForChildren(job, token);
        const { WaitingChildrenError } = await import('bullmq');
        throw new WaitingChildrenError();
      }
      return { resumed: true };
    });

    await waitFor(async () => ((await queue.getJobState(parent.executionId)) === 'completed' ? true : undefined), {
      what: 'the parent to complete',
    });
    expect(parked).toBe(true);
    expect(deliveries).toBe(2);
    const job = await queue.getJob(parent.executionId);
    expect(Object.keys((await job?.getChildrenValues()) ?? {})).toHaveLength(2);
  });

  it('should add a child again as a no-op, and find no pending child once they have all ended', async () => {
    const child = anExecutionDispatch();
    let parkedAgain: boolean | undefined;
    let deliveries = 0;
    const parent = await anActiveParent(async (job, token) => {
      deliveries += 1;
      if (deliveries === 1) {
        await sut.addChildren({ executionId: job.id ?? '', queue: 'default' }, [child]);
        await sut.waitForChildren(job, token);
        const { WaitingChildrenError } = await import('bullmq');
        throw new WaitingChildrenError();
      }
      await sut.addChildren({ executionId: job.id ?? '', queue: 'default' }, [child]);
      parkedAgain = await sut.waitForChildren(job, token);
      return { resumed: true };
    });

    await waitFor(async () => ((await queue.getJobState(parent.executionId)) === 'completed' ? true : undefined), {
      what: 'the parent to complete',
    });
    expect(parkedAgain).toBe(false);
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 2 });
  });

  it('should enqueue again a parent left in waiting-children (requeueParked)', async () => {
    const parent = anExecutionDispatch({ handler: 'fan-out' });
    const { FlowProducer } = await import('bullmq');
    const producer = new FlowProducer({ connection: redis, prefix });
    await producer.add({
      name: 'execution.run',
      queueName: 'default',
      opts: { jobId: parent.executionId },
      children: [{ name: 'execution.run', queueName: 'default', opts: { jobId: 'lost-link', delay: 3_600_000 } }],
    });
    await producer.close();
    expect(await queue.getJobState(parent.executionId)).toBe('waiting-children');

    await expect(gateway.requeueParked([parent])).resolves.toEqual([parent]);

    expect(['waiting', 'prioritized']).toContain(await queue.getJobState(parent.executionId));
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type ExecutionDispatch, newId } from '@meridian/domain';
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@meridian/testing';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import { ExecutionQueueGateway } from './execution-queue.gateway.js';
import { createRedisConnection } from './redis-connection.factory.js';

function aDispatch(overrides: Partial<ExecutionDispatch> = {}): ExecutionDispatch {
  return {
    executionId: newId(),
    jobId: newId(),
    namespace: 'default',
    handler: 'noop',
    payload: {},
    queue: 'default',
    priority: 0,
    timeoutMs: 1000,
    scheduledFor: new Date(),
    nominalTime: null,
    retry: {
      maxAttempts: 3,
      backoffType: 'EXPONENTIAL',
      backoffDelayMs: 100,
      backoffMaxDelayMs: 1000,
      backoffJitter: 0,
    },
    ...overrides,
  };
}

describe(ExecutionQueueGateway.name, () => {
  let redis: Redis;
  let prefix: string;
  let sut: ExecutionQueueGateway;
  let queue: Queue;

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'gateway-test');
  });

  beforeEach(() => {
    prefix = testRedisPrefix();
    sut = new ExecutionQueueGateway({ connection: redis, prefix, queues: ['default'] });
    queue = new Queue('default', { connection: redis, prefix });
  });

  afterEach(async () => {
    await queue.close();
    await sut.close();
    await deleteRedisPrefix(prefix);
  });

  afterAll(() => {
    redis.disconnect();
  });

  it('should enqueue an execution once however often it is enqueued', async () => {
    const dispatch = aDispatch();

    await sut.enqueue([dispatch]);
    await sut.enqueue([dispatch]);
    await sut.enqueue([dispatch, dispatch]);

    expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(1);
    expect((await queue.getJob(dispatch.executionId))?.opts).toMatchObject({ attempts: 3 });
  });

  it('should delay an execution until it is due', async () => {
    const dispatch = aDispatch({ scheduledFor: new Date(Date.now() + 60_000) });

    await sut.enqueue([dispatch]);

    expect(await queue.getJobState(dispatch.executionId)).toBe('delayed');
  });

  it('should remove a waiting or delayed execution and say when there was none', async () => {
    const waiting = aDispatch();
    const delayed = aDispatch({ scheduledFor: new Date(Date.now() + 60_000) });
    await sut.enqueue([waiting, delayed]);

    expect(await sut.remove('default', waiting.executionId)).toBe('removed');
    expect(await sut.remove('default', delayed.executionId)).toBe('removed');
    expect(await sut.remove('default', newId())).toBe('absent');
    expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(0);
  });

  it('should tell which executions BullMQ no longer has, and enqueue them again', async () => {
    const kept = aDispatch();
    const lost = aDispatch();
    await sut.enqueue([kept, lost]);
    await (await queue.getJob(lost.executionId))?.remove();

    const states = await sut.states([kept, lost]);
    expect(states.get(lost.executionId)).toBe('unknown');
    expect(states.get(kept.executionId)).not.toBe('unknown');

    await sut.requeue([lost]);
    expect(await queue.getJobState(lost.executionId)).not.toBe('unknown');
  });

  it('should run higher priorities first', async () => {
    const low = aDispatch({ priority: 0 });
    const high = aDispatch({ priority: 1000 });
    const middle = aDispatch({ priority: 500 });
    await sut.enqueue([low, high, middle]);

    const order: string[] = [];
    const worker = new Worker(
      'default',
      (job) => {
        order.push(job.id ?? '');
        return Promise.resolve();
      },
      { connection: redis, prefix, concurrency: 1 },
    );
    await new Promise<void>((resolve) => {
      worker.on('completed', () => {
        if (order.length === 3) {
          resolve();
        }
      });
    });
    await worker.close();

    expect(order).toEqual([high.executionId, middle.executionId, low.executionId]);
  });
});

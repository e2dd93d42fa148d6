import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type ExecutionDispatch, newId } from '@meridian/domain';
import { anExecutionDispatch, deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix, waitFor } from '@meridian/testing';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import { ExecutionQueueGateway } from './execution-queue.gateway.js';
import { fromExecutionRunData, JobName, MERIDIAN_BACKOFF } from './job-catalog.js';
import { createRedisConnection } from './redis-connection.factory.js';
import { UnknownQueueAtDispatchError } from './unknown-queue-at-dispatch.error.js';

/** A dispatch with exponential backoff from 100 ms, so retries in these tests come quickly. */
function aDispatch(overrides: Partial<ExecutionDispatch> = {}): ExecutionDispatch {
  return anExecutionDispatch({
    timeoutMs: 1000,
    retry: {
      maxAttempts: 3,
      backoffType: 'EXPONENTIAL',
      backoffDelayMs: 100,
      backoffMaxDelayMs: 1000,
      backoffJitter: 0,
    },
    ...overrides,
  });
}

/** A promise and the function that settles it, to hold a processor where the test wants it. */
function aGate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe(ExecutionQueueGateway.name, () => {
  let redis: Redis;
  let prefix: string;
  let sut: ExecutionQueueGateway;
  let queue: Queue;
  let workers: Worker[];

  beforeAll(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'gateway-test');
  });

  beforeEach(() => {
    prefix = testRedisPrefix();
    sut = new ExecutionQueueGateway({ connection: redis, prefix, queues: ['default', 'email'] });
    queue = new Queue('default', { connection: redis, prefix });
    workers = [];
  });

  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await queue.close();
    await sut.close();
    await deleteRedisPrefix(prefix);
  });

  afterAll(async () => {
    await redis.quit();
  });

  /** A real BullMQ worker on the test's prefix, closed after the test. */
  function aWorker(name: string, process: (job: Job) => Promise<unknown>) {
    const worker = new Worker(name, process, { connection: redis, prefix, concurrency: 1 });
    workers.push(worker);
    return worker;
  }

  const pendingCount = (on: Queue = queue) => on.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active');

  describe('enqueue', () => {
    it('should enqueue an execution once however often it is enqueued', async () => {
      const dispatch = aDispatch();

      await sut.enqueue([dispatch]);
      await sut.enqueue([dispatch]);
      await sut.enqueue([dispatch, dispatch]);

      expect(await pendingCount()).toBe(1);
      expect((await queue.getJob(dispatch.executionId))?.id).toBe(dispatch.executionId);
    });

    it('should carry the dispatch as the job catalog reads it, with the execution id as job id', async () => {
      const dispatch = aDispatch({ payload: { url: 'https://example.com', n: [1, 2] }, priority: 42, timeoutMs: 777 });

      await sut.enqueue([dispatch]);

      const job = await queue.getJob(dispatch.executionId);
      expect(job?.name).toBe(JobName.ExecutionRun);
      expect(fromExecutionRunData(job?.data)).toMatchObject(dispatch);
      expect(job?.opts).toMatchObject({
        jobId: dispatch.executionId,
        attempts: 3,
        backoff: { type: MERIDIAN_BACKOFF },
      });
    });

    it('should delay an execution until it is due', async () => {
      const now = Date.now();
      const dispatch = aDispatch({ scheduledFor: new Date(now + 60_000) });

      await sut.enqueue([dispatch], now);

      expect(await queue.getJobState(dispatch.executionId)).toBe('delayed');
      expect((await queue.getJob(dispatch.executionId))?.opts.delay).toBe(60_000);
    });

    it('should not delay an execution that is already due', async () => {
      const now = Date.now();
      const overdue = aDispatch({ scheduledFor: new Date(now - 5_000) });

      await sut.enqueue([overdue], now);

      expect(await queue.getJobState(overdue.executionId)).not.toBe('delayed');
      expect((await queue.getJob(overdue.executionId))?.opts.delay ?? 0).toBe(0);
    });

    it('should put each execution into its own queue', async () => {
      const email = new Queue('email', { connection: redis, prefix });
      try {
        const toDefault = aDispatch({ queue: 'default' });
        const toEmail = aDispatch({ queue: 'email' });

        await sut.enqueue([toDefault, toEmail]);

        expect(await queue.getJob(toDefault.executionId)).toBeDefined();
        expect(await queue.getJob(toEmail.executionId)).toBeUndefined();
        expect(await email.getJob(toEmail.executionId)).toBeDefined();
        expect([await pendingCount(queue), await pendingCount(email)]).toEqual([1, 1]);
      } finally {
        await email.close();
      }
    });

    it('should refuse a queue this process does not serve', async () => {
      await expect(sut.enqueue([aDispatch({ queue: 'retired' })])).rejects.toBeInstanceOf(UnknownQueueAtDispatchError);
    });
  });

  describe('priority', () => {
    it('should line up higher priorities first, priority 0 last', async () => {
      const low = aDispatch({ priority: 0 });
      const high = aDispatch({ priority: 1000 });
      const middle = aDispatch({ priority: 500 });

      await sut.enqueue([low, high, middle]);

      expect((await queue.getPrioritized()).map((job) => job.id)).toEqual([
        high.executionId,
        middle.executionId,
        low.executionId,
      ]);
    });

    it('should line up equal priorities in the order they were enqueued', async () => {
      const [first, second, third] = [
        aDispatch({ priority: 5 }),
        aDispatch({ priority: 5 }),
        aDispatch({ priority: 5 }),
      ];

      await sut.enqueue([first]);
      await sut.enqueue([second]);
      await sut.enqueue([third]);

      expect((await queue.getPrioritized()).map((job) => job.id)).toEqual([
        first.executionId,
        second.executionId,
        third.executionId,
      ]);
    });

    it('should run higher priorities first', async () => {
      const low = aDispatch({ priority: 0 });
      const high = aDispatch({ priority: 1000 });
      const middle = aDispatch({ priority: 500 });
      await sut.enqueue([low, high, middle]);

      const order: string[] = [];
      aWorker('default', (job) => {
        order.push(job.id ?? '');
        return Promise.resolve();
      });
      await waitFor(async () => ((await queue.getCompletedCount()) === 3 ? true : undefined), {
        what: 'three completed jobs',
      });

      expect(order).toEqual([high.executionId, middle.executionId, low.executionId]);
    });
  });

  describe('remove', () => {
    it('should remove a waiting or delayed execution and say when there was none', async () => {
      const waiting = aDispatch();
      const delayed = aDispatch({ scheduledFor: new Date(Date.now() + 60_000) });
      await sut.enqueue([waiting, delayed]);

      expect(await sut.remove('default', waiting.executionId)).toBe('removed');
      expect(await sut.remove('default', delayed.executionId)).toBe('removed');
      expect(await sut.remove('default', newId())).toBe('absent');

      expect(await queue.getJob(waiting.executionId)).toBeUndefined();
      expect(await queue.getJob(delayed.executionId)).toBeUndefined();
      expect(await pendingCount()).toBe(0);
    });

    it('should say absent for an execution removed before', async () => {
      const dispatch = aDispatch();
      await sut.enqueue([dispatch]);
      await sut.remove('default', dispatch.executionId);

      expect(await sut.remove('default', dispatch.executionId)).toBe('absent');
    });

    it('should leave an execution a worker holds in place and say it is active', async () => {
      const dispatch = aDispatch();
      await sut.enqueue([dispatch]);
      const started = aGate();
      const finish = aGate();
      aWorker('default', async () => {
        started.open();
        await finish.opened;
      });
      await started.opened;

      try {
        expect(await sut.remove('default', dispatch.executionId)).toBe('active');
        expect(await queue.getJobState(dispatch.executionId)).toBe('active');
      } finally {
        finish.open();
      }
    });
  });

  describe('states and requeue', () => {
    it('should tell which executions BullMQ no longer has, and enqueue them again', async () => {
      const kept = aDispatch();
      const lost = aDispatch();
      await sut.enqueue([kept, lost]);
      await (await queue.getJob(lost.executionId))?.remove();

      const states = await sut.states([kept, lost]);
      expect(states.get(lost.executionId)).toBe('unknown');
      expect(states.get(kept.executionId)).toBe('prioritized');

      await sut.requeue([lost]);
      expect(await queue.getJobState(lost.executionId)).toBe('prioritized');
    });

    it('should enqueue again an execution whose BullMQ job has already completed', async () => {
      const dispatch = aDispatch();
      await sut.enqueue([dispatch]);
      const worker = aWorker('default', () => Promise.resolve());
      await waitFor(async () => ((await queue.getJobState(dispatch.executionId)) === 'completed' ? true : undefined), {
        what: 'the job to complete',
      });
      await worker.close();

      await sut.requeue([dispatch]);

      expect(await queue.getJobState(dispatch.executionId)).toBe('prioritized');
    });
  });

  describe('measures', () => {
    it("should count each queue's jobs in the states asked for, zero for a state it has none in", async () => {
      await sut.enqueue([
        aDispatch(),
        aDispatch({ priority: 5 }),
        aDispatch({ scheduledFor: new Date(Date.now() + 60_000) }),
        aDispatch({ queue: 'email' }),
      ]);

      const counts = await sut.countJobs(['waiting', 'prioritized', 'delayed', 'active']);

      // Every execution has a BullMQ priority (toBullPriority), so a due one waits as prioritized.
      expect(counts).toEqual([
        { queue: 'default', counts: { waiting: 0, prioritized: 2, delayed: 1, active: 0 } },
        { queue: 'email', counts: { waiting: 0, prioritized: 1, delayed: 0, active: 0 } },
      ]);
    });

    it('should count the workers connected to each queue', async () => {
      expect(await sut.countWorkers()).toEqual([
        { queue: 'default', workers: 0 },
        { queue: 'email', workers: 0 },
      ]);
      await Promise.all(
        [aWorker('default', () => Promise.resolve()), aWorker('default', () => Promise.resolve())].map((worker) =>
          worker.waitUntilReady(),
        ),
      );

      const counted = await waitFor(async () => {
        const workers = await sut.countWorkers();
        return workers[0]?.workers === 2 ? workers : undefined;
      });

      expect(counted).toEqual([
        { queue: 'default', workers: 2 },
        { queue: 'email', workers: 0 },
      ]);
    });
  });
});

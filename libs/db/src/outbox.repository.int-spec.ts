import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ExecutionDispatch } from '@meridian/domain';
import { createRedisConnection, ExecutionQueueGateway, fromExecutionRunData, toBullPriority } from '@meridian/queue';
import {
  aJobSpec,
  aNewJob,
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  testRedisPrefix,
} from '@meridian/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { ExecutionRepository } from './execution.repository.js';
import { JobRepository } from './job.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

describe(OutboxRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let postgres: Postgres;
  let redis: Redis;
  let jobs: JobRepository;
  let executions: ExecutionRepository;
  let sut: OutboxRepository;
  let prefix: string;
  let gateway: ExecutionQueueGateway;
  let queue: Queue;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 10 });
    db = postgres.prisma;
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'outbox-test');
    jobs = new JobRepository(db, postgres.sql);
    executions = new ExecutionRepository(db, postgres.sql);
    sut = new OutboxRepository(db, postgres.sql);
  }, CLONE_TIMEOUT_MS);

  beforeEach(async () => {
    await db.$executeRaw`TRUNCATE jobs CASCADE`;
    prefix = testRedisPrefix();
    gateway = new ExecutionQueueGateway({ connection: redis, prefix, queues: ['default'] });
    queue = new Queue('default', { connection: redis, prefix });
  });

  afterEach(async () => {
    await queue.close();
    await gateway.close();
    await deleteRedisPrefix(prefix);
  });

  afterAll(async () => {
    await postgres.close();
    await redis.quit();
    await database.drop();
  });

  /** Creates `count` jobs the way the API does, oldest first: each with its outbox row. */
  async function stored(count: number, overrides: Record<string, unknown> = {}) {
    const inputs = Array.from({ length: count }, () => aNewJob(aJobSpec(overrides)));
    for (const input of inputs) {
      await jobs.createWithFirstExecution(input);
    }
    return inputs;
  }

  const outboxSize = () => sut.countPending();
  const bullJobCount = () => queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active');
  const executionStatus = async (executionId: string) => (await executions.findById('default', executionId))?.status;
  /** The real dispatcher, as the scheduler's relay wires it. */
  const enqueue = (items: ExecutionDispatch[]) => gateway.enqueue(items);

  /** A promise and the function that settles it, to hold a dispatcher where the test wants it. */
  function aGate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { open, opened };
  }

  it('should report the backlog: its rows and the creation time of the oldest, none when empty', async () => {
    expect(await sut.backlog()).toEqual({ rows: 0, oldestCreatedAt: null });
    const before = Date.now();
    await stored(3);

    const backlog = await sut.backlog();

    expect(backlog.rows).toBe(3);
    expect(backlog.oldestCreatedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(backlog.oldestCreatedAt?.getTime()).toBeLessThanOrEqual(Date.now());
    await sut.relayBatch(100, enqueue);
    expect(await sut.backlog()).toEqual({ rows: 0, oldestCreatedAt: null });
  });

  it('should move committed rows into BullMQ under the execution id and mark executions QUEUED', async () => {
    const [now, later] = [...(await stored(1)), ...(await stored(1, { delayMs: 60_000 }))];

    const result = await sut.relayBatch(100, enqueue);

    expect(result).toEqual({ claimed: 2, dispatched: 2 });
    expect(await outboxSize()).toBe(0);
    const immediate = await queue.getJob(now!.executionId);
    expect(immediate?.id).toBe(now!.executionId);
    expect(immediate?.data).toMatchObject({ executionId: now!.executionId, jobId: now!.jobId, handler: 'noop' });
    expect(await queue.getJobState(now!.executionId)).toMatch(/^(waiting|prioritized)$/);
    expect(await queue.getJobState(later!.executionId)).toBe('delayed');
    expect((await queue.getJob(later!.executionId))?.opts.delay).toBeGreaterThan(55_000);
    expect(await bullJobCount()).toBe(2);
    for (const input of [now!, later!]) {
      expect(await executions.findById('default', input.executionId)).toMatchObject({
        status: 'QUEUED',
        queuedAt: expect.any(Date),
      });
      expect((await jobs.findWithLatestExecution('default', input.jobId))?.job.status).toBe('QUEUED');
    }
  });

  it('should put everything a worker needs into the BullMQ job, as the job catalog reads it', async () => {
    const payload = { url: 'https://example.com/hook', nested: [1, { b: true }] };
    const [input] = await stored(1, {
      payload,
      priority: 250,
      timeoutMs: 4321,
      retry: { maxAttempts: 5, backoff: { type: 'fixed', delayMs: 250, maxDelayMs: 9000, jitter: 0.5 } },
    });

    await sut.relayBatch(100, enqueue);

    const job = await queue.getJob(input!.executionId);
    expect(fromExecutionRunData(job?.data)).toMatchObject({
      executionId: input!.executionId,
      jobId: input!.jobId,
      namespace: 'default',
      handler: 'noop',
      payload,
      queue: 'default',
      priority: 250,
      timeoutMs: 4321,
      scheduledFor: input!.spec.scheduledFor,
      retry: { maxAttempts: 5, backoffType: 'FIXED', backoffDelayMs: 250, backoffMaxDelayMs: 9000, backoffJitter: 0.5 },
    });
    expect(job?.opts).toMatchObject({ attempts: 5, priority: toBullPriority(250) });
  });

  it('should relay the oldest rows first, at most `limit` of them', async () => {
    const inputs = await stored(3);
    const dispatched: string[] = [];

    const result = await sut.relayBatch(2, async (items) => {
      dispatched.push(...items.map((item) => item.executionId));
      await enqueue(items);
    });

    expect(result).toEqual({ claimed: 2, dispatched: 2 });
    expect(dispatched).toEqual([inputs[0]!.executionId, inputs[1]!.executionId]);
    expect(await outboxSize()).toBe(1);
    expect(await executionStatus(inputs[2]!.executionId)).toBe('PENDING');
  });

  it('should claim nothing and not call the dispatcher when the outbox is empty', async () => {
    const calls: ExecutionDispatch[][] = [];

    const result = await sut.relayBatch(100, async (items) => {
      calls.push(items);
      await enqueue(items);
    });

    expect(result).toEqual({ claimed: 0, dispatched: 0 });
    expect(calls).toEqual([]);
  });

  it('should change nothing when dispatch fails before reaching BullMQ', async () => {
    const [input] = await stored(1);

    await expect(sut.relayBatch(100, () => Promise.reject(new Error('Redis is unreachable')))).rejects.toThrow(
      'Redis is unreachable',
    );

    expect(await outboxSize()).toBe(1);
    expect(await executionStatus(input!.executionId)).toBe('PENDING');
    expect((await jobs.findWithLatestExecution('default', input!.jobId))?.job.status).toBe('PENDING');
    expect(await bullJobCount()).toBe(0);
  });

  it('should keep the row when the commit fails after dispatch, and relay it again without a duplicate', async () => {
    const [input] = await stored(1);

    await expect(
      sut.relayBatch(100, async (items) => {
        await enqueue(items);
        throw new Error('crashed after enqueueing, before committing');
      }),
    ).rejects.toThrow('crashed after enqueueing');

    expect(await outboxSize()).toBe(1);
    expect(await executionStatus(input!.executionId)).toBe('PENDING');
    expect((await queue.getJob(input!.executionId))?.id).toBe(input!.executionId);

    expect(await sut.relayBatch(100, enqueue)).toEqual({ claimed: 1, dispatched: 1 });

    expect(await outboxSize()).toBe(0);
    expect(await executionStatus(input!.executionId)).toBe('QUEUED');
    expect(await bullJobCount()).toBe(1);
    expect((await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).map((job) => job.id)).toEqual([
      input!.executionId,
    ]);
  });

  it('should consume the row of a cancelled execution without dispatching it', async () => {
    const [input, other] = await stored(2);
    await executions.cancelByJob(input!.jobId, new Date());
    const dispatched: string[] = [];

    const result = await sut.relayBatch(100, async (items) => {
      dispatched.push(...items.map((item) => item.executionId));
      await enqueue(items);
    });

    expect(result).toEqual({ claimed: 2, dispatched: 1 });
    expect(dispatched).toEqual([other!.executionId]);
    expect(await outboxSize()).toBe(0);
    expect(await queue.getJob(input!.executionId)).toBeUndefined();
    expect(await executionStatus(input!.executionId)).toBe('CANCELLED');
    expect((await jobs.findWithLatestExecution('default', input!.jobId))?.job.status).toBe('CANCELLED');
  });

  it('should consume without dispatching again the row of an execution a worker already started', async () => {
    // An earlier relay reached BullMQ but lost its commit, and a worker picked the job up meanwhile.
    const [input] = await stored(1);
    await executions.startAttempt(input!.executionId, 'worker-1', new Date());

    expect(await sut.relayBatch(100, enqueue)).toEqual({ claimed: 1, dispatched: 0 });

    expect(await outboxSize()).toBe(0);
    expect(await executionStatus(input!.executionId)).toBe('RUNNING');
    expect((await jobs.findWithLatestExecution('default', input!.jobId))?.job.status).toBe('RUNNING');
    expect(await bullJobCount()).toBe(0);
  });

  it('should have nothing to relay for a job deleted before its row was relayed', async () => {
    const [input] = await stored(1);
    await jobs.delete('default', input!.jobId);

    expect(await sut.relayBatch(100, enqueue)).toEqual({ claimed: 0, dispatched: 0 });

    expect(await bullJobCount()).toBe(0);
  });

  it('should let a second relay take other rows while the first still holds its batch (SKIP LOCKED)', async () => {
    const inputs = await stored(50);
    const first: string[] = [];
    const second: string[] = [];
    const claimed = aGate();
    const release = aGate();

    const firstRelay = sut.relayBatch(20, async (items) => {
      first.push(...items.map((item) => item.executionId));
      claimed.open();
      await release.opened;
      await enqueue(items);
    });
    await claimed.opened;
    // Were the first relay's rows locked without SKIP LOCKED, this would wait for a commit that waits on it.
    const secondResult = await sut.relayBatch(50, async (items) => {
      second.push(...items.map((item) => item.executionId));
      await enqueue(items);
    });
    release.open();
    const firstResult = await firstRelay;

    expect(firstResult).toEqual({ claimed: 20, dispatched: 20 });
    expect(secondResult).toEqual({ claimed: 30, dispatched: 30 });
    expect(first.filter((id) => second.includes(id))).toEqual([]);
    expect(new Set([...first, ...second])).toEqual(new Set(inputs.map((input) => input.executionId)));
    expect(await outboxSize()).toBe(0);
    expect(await bullJobCount()).toBe(50);
  });

  it('should dispatch each of 50 executions exactly once when two relays drain the outbox side by side', async () => {
    const inputs = await stored(50);
    const dispatched: string[] = [];
    const countingDispatch = async (items: ExecutionDispatch[]) => {
      dispatched.push(...items.map((item) => item.executionId));
      await enqueue(items);
    };
    const drain = async () => {
      let claimed = 0;
      for (;;) {
        const result = await sut.relayBatch(10, countingDispatch);
        if (result.claimed === 0) {
          return claimed;
        }
        claimed += result.claimed;
      }
    };

    const claimed = await Promise.all([drain(), drain()]);

    expect(claimed[0] + claimed[1]).toBe(50);
    expect(dispatched).toHaveLength(50);
    expect(new Set(dispatched)).toEqual(new Set(inputs.map((input) => input.executionId)));
    expect(await outboxSize()).toBe(0);
    expect(await bullJobCount()).toBe(50);
  });

  describe('with rows for a queue this process no longer serves (QUEUES changed under stored jobs)', () => {
    /** A few relay passes, as the scheduler's loop makes them, whatever each pass reports. */
    async function relayPasses(count: number, limit: number) {
      for (let pass = 0; pass < count; pass += 1) {
        await sut.relayBatch(limit, enqueue).catch(() => undefined);
      }
    }

    it('should keep relaying the other rows, and keep the stranded one with its error', async () => {
      const [stranded] = await stored(1, { queue: 'retired' });
      const [healthy] = await stored(1);

      await relayPasses(3, 100);

      expect(await queue.getJob(healthy!.executionId)).toBeDefined();
      expect(await executionStatus(healthy!.executionId)).toBe('QUEUED');
      expect(await db.outbox.count({ where: { executionId: healthy!.executionId } })).toBe(0);
      const kept = await db.outbox.findMany({ where: { executionId: stranded!.executionId } });
      expect(kept).toEqual([expect.objectContaining({ lastError: expect.stringContaining('retired') })]);
      expect(await executionStatus(stranded!.executionId)).toBe('PENDING');
    });

    it('should keep relaying the other rows even when a whole batch is stranded', async () => {
      const stranded = await stored(2, { queue: 'retired' });
      const [healthy] = await stored(1);

      await relayPasses(5, 2);

      expect(await queue.getJob(healthy!.executionId)).toBeDefined();
      expect(await executionStatus(healthy!.executionId)).toBe('QUEUED');
      expect(
        await db.outbox.count({ where: { executionId: { in: stranded.map((input) => input.executionId) } } }),
      ).toBe(2);
    });
  });
});

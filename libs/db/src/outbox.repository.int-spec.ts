import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ExecutionDispatch } from '@meridian/domain';
import { createRedisConnection, ExecutionQueueGateway } from '@meridian/queue';
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
import { createDatabase, type Database } from './prisma-client.factory.js';

describe(OutboxRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let redis: Redis;
  let jobs: JobRepository;
  let executions: ExecutionRepository;
  let sut: OutboxRepository;
  let prefix: string;
  let gateway: ExecutionQueueGateway;
  let queue: Queue;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase({ url: database.url, poolSize: 10 });
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'outbox-test');
    jobs = new JobRepository(db);
    executions = new ExecutionRepository(db);
    sut = new OutboxRepository(db);
  });

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
    await db.$disconnect();
    redis.disconnect();
    await database.drop();
  });

  async function stored(count: number, overrides: Record<string, unknown> = {}) {
    const inputs = Array.from({ length: count }, () => aNewJob(aJobSpec(overrides)));
    for (const input of inputs) {
      await jobs.createWithFirstExecution(input);
    }
    return inputs;
  }

  const outboxSize = () => sut.countPending();
  const enqueue = (items: ExecutionDispatch[]) => gateway.enqueue(items);

  it('should move committed rows into BullMQ under the execution id and mark executions QUEUED', async () => {
    const [now, later] = [...(await stored(1)), ...(await stored(1, { delayMs: 60_000 }))];

    const result = await sut.relayBatch(100, enqueue);

    expect(result).toEqual({ claimed: 2, dispatched: 2 });
    expect(await outboxSize()).toBe(0);
    const immediate = await queue.getJob(now!.executionId);
    expect(immediate?.data).toMatchObject({ executionId: now!.executionId, jobId: now!.jobId, handler: 'noop' });
    expect(await queue.getJobState(later!.executionId)).toBe('delayed');
    expect((await queue.getJob(later!.executionId))?.opts.delay).toBeGreaterThan(55_000);
    expect((await executions.findById('default', now!.executionId))?.status).toBe('QUEUED');
    expect((await jobs.findById('default', now!.jobId))?.status).toBe('QUEUED');
  });

  it('should keep the rows when dispatch fails, and relay them later without a duplicate', async () => {
    const [input] = await stored(1);

    await expect(
      sut.relayBatch(100, async (items) => {
        await enqueue(items);
        throw new Error('crashed after enqueueing, before committing');
      }),
    ).rejects.toThrow('crashed after enqueueing');

    expect(await outboxSize()).toBe(1);
    expect((await executions.findById('default', input!.executionId))?.status).toBe('PENDING');

    expect(await sut.relayBatch(100, enqueue)).toEqual({ claimed: 1, dispatched: 1 });
    expect(await outboxSize()).toBe(0);
    expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active')).toBe(1);
  });

  it('should consume the row of a cancelled execution without dispatching it', async () => {
    const [input] = await stored(1);
    await executions.cancelByJob(input!.jobId, new Date());

    expect(await sut.relayBatch(100, enqueue)).toEqual({ claimed: 1, dispatched: 0 });

    expect(await outboxSize()).toBe(0);
    expect(await queue.getJob(input!.executionId)).toBeUndefined();
  });

  it('should dispatch every execution exactly once when relays run side by side', async () => {
    await stored(60);
    const dispatched: string[] = [];
    const slowDispatch = async (items: ExecutionDispatch[]) => {
      dispatched.push(...items.map((item) => item.executionId));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await enqueue(items);
    };

    const relay = async () => {
      let claimed = 0;
      for (;;) {
        const result = await sut.relayBatch(7, slowDispatch);
        if (result.claimed === 0) {
          return claimed;
        }
        claimed += result.claimed;
      }
    };
    const claimed = await Promise.all([relay(), relay(), relay()]);

    expect(claimed.reduce((a, b) => a + b, 0)).toBe(60);
    expect(new Set(dispatched).size).toBe(60);
    expect(dispatched).toHaveLength(60);
    expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(60);
  });
});

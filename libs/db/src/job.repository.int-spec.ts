import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ValidationError } from '@meridian/domain';
import { aJobSpec, aNewJob, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { JobRepository } from './job.repository.js';
import { createDatabase, type Database } from './prisma-client.factory.js';

describe(JobRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let sut: JobRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase({ url: database.url, poolSize: 5 });
    sut = new JobRepository(db);
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  const count = async (table: 'jobs' | 'executions' | 'outbox', where = 'TRUE') =>
    Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0]?.n);

  it('should store the job, its pending first execution and its outbox row together', async () => {
    const input = aNewJob(aJobSpec({ name: 'stored', delayMs: 5000, payload: { a: 1 } }));

    const result = await sut.createWithFirstExecution(input);

    expect(result.created).toBe(true);
    const job = await sut.findById('default', input.jobId);
    expect(job).toMatchObject({
      id: input.jobId,
      name: 'stored',
      status: 'PENDING',
      payload: { a: 1 },
      queue: 'default',
    });
    expect(job?.retry).toEqual(input.spec.retry);
    const execution = await db.execution.findUniqueOrThrow({ where: { id: input.executionId } });
    expect(execution).toMatchObject({ jobId: input.jobId, status: 'PENDING', attempt: 0 });
    expect(execution.scheduledFor).toEqual(input.spec.scheduledFor);
    expect(await count('outbox', `execution_id = '${input.executionId}'`)).toBe(1);
  });

  it('should not create a second job for a taken idempotency key, and write nothing', async () => {
    const first = aNewJob(aJobSpec(), { idempotencyKey: 'key-1', requestHash: 'h' });
    await sut.createWithFirstExecution(first);
    const [jobs, executions, outbox] = [await count('jobs'), await count('executions'), await count('outbox')];

    const second = await sut.createWithFirstExecution(
      aNewJob(aJobSpec(), { idempotencyKey: 'key-1', requestHash: 'h' }),
    );

    expect(second).toEqual({ created: false, reason: 'idempotency_key_taken' });
    expect([await count('jobs'), await count('executions'), await count('outbox')]).toEqual([jobs, executions, outbox]);
    expect((await sut.findByIdempotencyKey('default', 'key-1'))?.id).toBe(first.jobId);
  });

  it('should scope idempotency keys to a namespace', async () => {
    await sut.createWithFirstExecution(aNewJob(aJobSpec(), { idempotencyKey: 'shared', namespace: 'team-a' }));
    const other = await sut.createWithFirstExecution(
      aNewJob(aJobSpec(), { idempotencyKey: 'shared', namespace: 'team-b' }),
    );
    expect(other.created).toBe(true);
  });

  it('should let exactly one of many racing creates with one key win', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => sut.createWithFirstExecution(aNewJob(aJobSpec(), { idempotencyKey: 'race' }))),
    );

    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await count('jobs', `idempotency_key = 'race'`)).toBe(1);
  });

  it('should page through a filtered list newest first, every job exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const input = aNewJob(aJobSpec({ name: 'paged', queue: 'default' }));
      await sut.createWithFirstExecution(input);
      ids.push(input.jobId);
    }

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await sut.list({ namespace: 'default', name: 'paged', limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((job) => job.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);

    expect(seen).toEqual([...ids].reverse());
    expect((await sut.list({ namespace: 'default', name: 'paged', status: 'SUCCEEDED', limit: 10 })).items).toEqual([]);
    expect((await sut.list({ namespace: 'other', name: 'paged', limit: 10 })).items).toEqual([]);
  });

  it('should refuse a cursor it did not hand out', async () => {
    await expect(sut.list({ namespace: 'default', limit: 2, cursor: 'garbage' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('should delete a job with its executions, attempts and outbox rows', async () => {
    const input = aNewJob();
    await sut.createWithFirstExecution(input);
    await db.executionAttempt.create({
      data: { executionId: input.executionId, attempt: 1, outcome: 'FAILED', workerId: 'w', startedAt: new Date() },
    });

    expect(await sut.delete('default', input.jobId)).toBe(true);

    expect(await count('executions', `id = '${input.executionId}'`)).toBe(0);
    expect(await count('outbox', `execution_id = '${input.executionId}'`)).toBe(0);
    expect(await db.executionAttempt.count({ where: { executionId: input.executionId } })).toBe(0);
    expect(await sut.delete('default', input.jobId)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId, ValidationError } from '@meridian/domain';
import { aJobSpec, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { JobRepository, type NewBatchJob } from './job.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

describe(`${JobRepository.name} batches`, () => {
  let database: TestDatabase;
  let db: Database;
  let postgres: Postgres;
  let sut: JobRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 5 });
    db = postgres.prisma;
    sut = new JobRepository(db, postgres.sql);
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  const aNamespace = () => `ns-${newId()}`;
  const oneOff = (overrides: Record<string, unknown> = {}): NewBatchJob => ({
    kind: 'one_off',
    jobId: newId(),
    executionId: newId(),
    spec: aJobSpec(overrides),
  });
  const recurring = (): NewBatchJob => ({
    kind: 'recurring',
    jobId: newId(),
    spec: aJobSpec(),
    schedule: { every: '1m' },
    firstRunAt: new Date('2030-01-01T00:00:00.000Z'),
    overlap: 'skip',
    catchUp: { policy: 'skip', windowMs: 0, max: 100 },
  });
  const countIn = async (namespace: string) => ({
    jobs: await db.job.count({ where: { namespace } }),
    executions: await db.execution.count({ where: { namespace } }),
  });

  it('should store every job in request order, one-off jobs with a pending execution, recurring ones armed', async () => {
    const namespace = aNamespace();
    const jobs = [oneOff({ name: 'a' }), recurring(), oneOff({ name: 'c', delayMs: 60_000 })];

    const result = await sut.createBatch({ namespace, jobs, idempotencyKey: null, requestHash: null });

    if (!result.created) {
      throw new Error('expected the batch to be stored');
    }
    expect(result.jobs.map(({ job }) => job.id)).toEqual(jobs.map((job) => job.jobId));
    expect(result.jobs.map(({ execution }) => execution?.status ?? null)).toEqual(['PENDING', null, 'PENDING']);
    expect(await countIn(namespace)).toEqual({ jobs: 3, executions: 2 });
    const outbox = await db.outbox.findMany({
      where: { OR: [{ jobId: { in: jobs.map((job) => job.jobId) } }, { execution: { namespace } }] },
    });
    expect(outbox.map((row) => row.kind).sort()).toEqual(['ARM_SCHEDULE', 'ENQUEUE_EXECUTION', 'ENQUEUE_EXECUTION']);
    const stored = await sut.findById(namespace, jobs[1]?.jobId ?? '');
    expect(stored?.recurrence).toMatchObject({ state: 'ACTIVE', nextRunAt: new Date('2030-01-01T00:00:00.000Z') });
  });

  it('should store nothing for a batch whose Idempotency-Key is taken, and keep the first batch findable', async () => {
    const namespace = aNamespace();
    const first = [oneOff(), oneOff()];
    await sut.createBatch({ namespace, jobs: first, idempotencyKey: 'batch-1', requestHash: 'h1' });

    const second = await sut.createBatch({
      namespace,
      jobs: [oneOff()],
      idempotencyKey: 'batch-1',
      requestHash: 'h2',
    });

    expect(second).toEqual({ created: false, reason: 'idempotency_key_taken' });
    expect(await countIn(namespace)).toEqual({ jobs: 2, executions: 2 });
    expect(await sut.findBatchByIdempotencyKey(namespace, 'batch-1')).toEqual({
      requestHash: 'h1',
      jobIds: first.map((job) => job.jobId),
    });
  });

  it('should store exactly one of many racing batches with one key', async () => {
    const namespace = aNamespace();

    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        sut.createBatch({ namespace, jobs: [oneOff(), oneOff()], idempotencyKey: 'race', requestHash: 'h' }),
      ),
    );

    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await countIn(namespace)).toEqual({ jobs: 2, executions: 2 });
  });

  it('should refuse a batch with an unstorable payload by its index, and store none of it', async () => {
    const namespace = aNamespace();

    const refused = sut.createBatch({
      namespace,
      // Built past parseJobSpec, which refuses it first: the repository must refuse it on its own.
      jobs: [oneOff(), { ...oneOff(), spec: { ...aJobSpec(), payload: { text: 'a\u0000b' } } }],
      idempotencyKey: null,
      requestHash: null,
    });

    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'jobs[1].payload' })] });
    expect(await countIn(namespace)).toEqual({ jobs: 0, executions: 0 });
  });

  it('should find jobs by id in the order asked, leaving out ids that do not exist', async () => {
    const namespace = aNamespace();
    const jobs = [oneOff(), oneOff(), oneOff()];
    await sut.createBatch({ namespace, jobs, idempotencyKey: null, requestHash: null });
    const [a, b, c] = jobs.map((job) => job.jobId) as [string, string, string];

    const found = await sut.findManyByIds(namespace, [c, newId(), a, b]);

    expect(found.map((job) => job.id)).toEqual([c, a, b]);
  });
});

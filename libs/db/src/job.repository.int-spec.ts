import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ExecutionStatus, newId, ValidationError } from '@meridian/domain';
import { aJobSpec, aNewJob, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { toExecutionRecord, toJobRecord } from './internal/mappers.js';
import { FILTER_SCAN_LIMIT, JobRepository, type NewBatchJob } from './job.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';
import { toRecurringSchedule } from './records.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

describe(JobRepository.name, () => {
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

  /** A stored job as the job routes read it (without its latest execution); null when there is none. */
  const findJob = async (namespace: string, id: string) =>
    (await sut.findWithLatestExecution(namespace, id))?.job ?? null;

  /** Rows in each table, so a test can show that a call wrote nothing. */
  const rowCounts = async () => ({
    jobs: await db.job.count(),
    executions: await db.execution.count(),
    attempts: await db.executionAttempt.count(),
    outbox: await db.outbox.count(),
  });

  /** A namespace of the test's own, so list results hold only the test's jobs. */
  const aNamespace = () => `ns-${newId()}`;

  describe('createWithFirstExecution', () => {
    it('should store the job, its pending first execution and its outbox row together', async () => {
      const input = aNewJob(aJobSpec({ name: 'stored', delayMs: 5000, payload: { a: 1 } }));

      const result = await sut.createWithFirstExecution(input);

      expect(result.created).toBe(true);
      const job = await findJob('default', input.jobId);
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
      const outbox = await db.outbox.findMany({ where: { executionId: input.executionId } });
      expect(outbox).toEqual([expect.objectContaining({ kind: 'ENQUEUE_EXECUTION', attempts: 0 })]);
    });

    it('should return exactly the rows it stored', async () => {
      const input = aNewJob(aJobSpec({ name: 'echoed', priority: 7, payload: ['x'] }), {
        idempotencyKey: `echo-${newId()}`,
        requestHash: 'hash',
      });

      const result = await sut.createWithFirstExecution(input, new Date('2026-03-01T10:00:00.000Z'));

      if (!result.created) {
        throw new Error('expected the job to be created');
      }
      expect(result.job).toEqual(await findJob('default', input.jobId));
      const execution = await db.execution.findUniqueOrThrow({ where: { id: input.executionId } });
      expect(result.execution).toMatchObject({
        id: execution.id,
        jobId: execution.jobId,
        status: execution.status,
        attempt: execution.attempt,
        scheduledFor: execution.scheduledFor,
        createdAt: execution.createdAt,
      });
    });

    it('should not create a second job for a taken idempotency key, and write nothing', async () => {
      const first = aNewJob(aJobSpec(), { idempotencyKey: 'key-1', requestHash: 'h' });
      await sut.createWithFirstExecution(first);
      const before = await rowCounts();

      const second = await sut.createWithFirstExecution(
        aNewJob(aJobSpec(), { idempotencyKey: 'key-1', requestHash: 'h' }),
      );

      expect(second).toEqual({ created: false, reason: 'idempotency_key_taken' });
      expect(await rowCounts()).toEqual(before);
      expect((await sut.findByIdempotencyKey('default', 'key-1'))?.id).toBe(first.jobId);
    });

    it('should scope idempotency keys to a namespace', async () => {
      await sut.createWithFirstExecution(aNewJob(aJobSpec(), { idempotencyKey: 'shared', namespace: 'team-a' }));
      const other = await sut.createWithFirstExecution(
        aNewJob(aJobSpec(), { idempotencyKey: 'shared', namespace: 'team-b' }),
      );
      expect(other.created).toBe(true);
    });

    it('should not treat jobs without an idempotency key as duplicates of each other', async () => {
      const results = await Promise.all([
        sut.createWithFirstExecution(aNewJob()),
        sut.createWithFirstExecution(aNewJob()),
      ]);

      expect(results.map((result) => result.created)).toEqual([true, true]);
    });

    it('should let exactly one of two racing creates with one key win, with one execution and one outbox row', async () => {
      const key = `race-${newId()}`;
      const twins = [aNewJob(aJobSpec(), { idempotencyKey: key }), aNewJob(aJobSpec(), { idempotencyKey: key })];

      const results = await Promise.all(twins.map((input) => sut.createWithFirstExecution(input)));

      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(results.filter((result) => !result.created)).toEqual([
        { created: false, reason: 'idempotency_key_taken' },
      ]);
      const winner = await sut.findByIdempotencyKey('default', key);
      expect(await db.job.count({ where: { idempotencyKey: key } })).toBe(1);
      expect(await db.execution.count({ where: { jobId: winner?.id } })).toBe(1);
      expect(await db.outbox.count({ where: { execution: { jobId: winner?.id } } })).toBe(1);
    });

    it('should let exactly one of many racing creates with one key win', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => sut.createWithFirstExecution(aNewJob(aJobSpec(), { idempotencyKey: 'race' }))),
      );

      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(await db.job.count({ where: { idempotencyKey: 'race' } })).toBe(1);
    });

    it('should refuse a payload Postgres cannot store as a validation problem, writing nothing', async () => {
      // jsonb has no representation for U+0000 inside a string, though it is valid JSON.
      const before = await rowCounts();

      const create = async () => sut.createWithFirstExecution(aNewJob(aJobSpec({ payload: { text: 'a\u0000b' } })));

      await expect(create()).rejects.toBeInstanceOf(ValidationError);
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('list', () => {
    /** Stores one job per spec override in `namespace`, oldest first, and returns their ids. */
    async function storeJobs(namespace: string, overrides: Record<string, unknown>[]) {
      const ids: string[] = [];
      for (const override of overrides) {
        const input = aNewJob(aJobSpec(override), { namespace });
        await sut.createWithFirstExecution(input);
        ids.push(input.jobId);
      }
      return ids;
    }

    const setStatus = (id: string, status: ExecutionStatus) => db.job.update({ where: { id }, data: { status } });

    it('should list a namespace newest first', async () => {
      const namespace = aNamespace();
      const ids = await storeJobs(namespace, [{}, {}, {}]);
      await storeJobs(aNamespace(), [{}]);

      const page = await sut.list({ namespace, limit: 10 });

      expect(page.items.map((job) => job.id)).toEqual([...ids].reverse());
      expect(page.nextCursor).toBeNull();
    });

    it('should filter by status', async () => {
      const namespace = aNamespace();
      const [pending, succeeded, dead, alsoSucceeded] = await storeJobs(namespace, [{}, {}, {}, {}]);
      await setStatus(succeeded!, 'SUCCEEDED');
      await setStatus(dead!, 'DEAD');
      await setStatus(alsoSucceeded!, 'SUCCEEDED');

      const ids = async (status: ExecutionStatus) =>
        (await sut.list({ namespace, status, limit: 10 })).items.map((job) => job.id);

      expect(await ids('SUCCEEDED')).toEqual([alsoSucceeded, succeeded]);
      expect(await ids('DEAD')).toEqual([dead]);
      expect(await ids('PENDING')).toEqual([pending]);
      expect(await ids('RUNNING')).toEqual([]);
    });

    it('should filter by name', async () => {
      const namespace = aNamespace();
      const [reportA, , reportB] = await storeJobs(namespace, [
        { name: 'nightly-report' },
        { name: 'cleanup' },
        { name: 'nightly-report' },
      ]);

      const page = await sut.list({ namespace, name: 'nightly-report', limit: 10 });

      expect(page.items.map((job) => job.id)).toEqual([reportB, reportA]);
      expect((await sut.list({ namespace, name: 'nightly', limit: 10 })).items).toEqual([]);
    });

    it('should filter by queue', async () => {
      const namespace = aNamespace();
      const [, emailA, emailB] = await storeJobs(namespace, [
        { queue: 'default' },
        { queue: 'email' },
        { queue: 'email' },
      ]);

      const page = await sut.list({ namespace, queue: 'email', limit: 10 });

      expect(page.items.map((job) => job.id)).toEqual([emailB, emailA]);
      expect(page.items.every((job) => job.queue === 'email')).toBe(true);
    });

    it('should filter by handler', async () => {
      const namespace = aNamespace();
      const [sleepA, , sleepB] = await storeJobs(namespace, [
        { handler: 'sleep' },
        { handler: 'noop' },
        { handler: 'sleep' },
      ]);

      const page = await sut.list({ namespace, handler: 'sleep', limit: 10 });

      expect(page.items.map((job) => job.id)).toEqual([sleepB, sleepA]);
      expect((await sut.list({ namespace, handler: 'sle', limit: 10 })).items).toEqual([]);
    });

    it('should tell recurring jobs from one-off ones, with the other filters too', async () => {
      const namespace = aNamespace();
      const [oneOff] = await storeJobs(namespace, [{ name: 'sync' }]);
      const recurring = aNewJob(aJobSpec({ name: 'sync' }), { namespace });
      await sut.createRecurring({
        ...recurring,
        schedule: toRecurringSchedule({ every: '1m' }),
        firstRunAt: new Date('2030-01-01T00:00:00.000Z'),
        overlap: 'skip',
        catchUp: { policy: 'skip', windowMs: 0, max: 100 },
      });
      const [otherOneOff] = await storeJobs(namespace, [{ name: 'other' }]);

      const ids = async (recurringOnly: boolean, name?: string) =>
        (
          await sut.list({ namespace, recurring: recurringOnly, limit: 10, ...(name === undefined ? {} : { name }) })
        ).items.map((job) => job.id);

      expect(await ids(true)).toEqual([recurring.jobId]);
      expect(await ids(false)).toEqual([otherOneOff, oneOff]);
      expect(await ids(false, 'sync')).toEqual([oneOff]);
      expect(await ids(true, 'other')).toEqual([]);
    });

    it('should apply every filter given at once', async () => {
      const namespace = aNamespace();
      const [, , match] = await storeJobs(namespace, [
        { name: 'sync', queue: 'email' },
        { name: 'sync', queue: 'default' },
        { name: 'sync', queue: 'email' },
        { name: 'other', queue: 'email' },
      ]);
      await setStatus(match!, 'RUNNING');

      const page = await sut.list({ namespace, name: 'sync', queue: 'email', status: 'RUNNING', limit: 10 });

      expect(page.items.map((job) => job.id)).toEqual([match]);
    });

    it('should walk every job exactly once, newest first, two at a time', async () => {
      const namespace = aNamespace();
      const ids = await storeJobs(namespace, [{}, {}, {}, {}, {}]);

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await sut.list({ namespace, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        pages.push(page.items.map((job) => job.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);

      const newestFirst = [...ids].reverse();
      expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    });

    it('should end on a full last page without handing out a cursor to an empty one', async () => {
      const namespace = aNamespace();
      await storeJobs(namespace, [{}, {}, {}, {}]);

      const first = await sut.list({ namespace, limit: 2 });
      const second = await sut.list({ namespace, limit: 2, cursor: first.nextCursor ?? undefined });

      expect(first.nextCursor).not.toBeNull();
      expect(second.items).toHaveLength(2);
      expect(second.nextCursor).toBeNull();
    });

    it('should keep the filter while paging', async () => {
      const namespace = aNamespace();
      const [a, , b, , c] = await storeJobs(namespace, [
        { name: 'kept' },
        { name: 'noise' },
        { name: 'kept' },
        { name: 'noise' },
        { name: 'kept' },
      ]);

      const first = await sut.list({ namespace, name: 'kept', limit: 2 });
      const second = await sut.list({ namespace, name: 'kept', limit: 2, cursor: first.nextCursor ?? undefined });

      expect([...first.items, ...second.items].map((job) => job.id)).toEqual([c, b, a]);
      expect(second.nextCursor).toBeNull();
    });

    it('should read at most a bounded number of jobs for a status or handler filter, and hand out a cursor to go on', async () => {
      const namespace = aNamespace();
      const [dead] = await storeJobs(namespace, [{ handler: 'sleep' }]);
      await setStatus(dead!, 'DEAD');
      // Newer than the dead job: more jobs of another status than one page reads.
      for (let stored = 0; stored < FILTER_SCAN_LIMIT; stored += 1000) {
        await sut.createBatch({
          namespace,
          jobs: Array.from({ length: 1000 }, () => ({ kind: 'one_off' as const, ...aNewJob() })),
          idempotencyKey: null,
          requestHash: null,
        });
      }

      const first = await sut.list({ namespace, status: 'DEAD', limit: 10 });
      const second = await sut.list({ namespace, status: 'DEAD', limit: 10, cursor: first.nextCursor ?? undefined });
      const pending = await sut.list({ namespace, status: 'PENDING', limit: 10 });

      expect(first.items).toEqual([]);
      expect(first.nextCursor).not.toBeNull();
      expect(second.items.map((job) => job.id)).toEqual([dead]);
      expect(second.nextCursor).toBeNull();
      expect(pending.items).toHaveLength(10);
      expect(pending.nextCursor).not.toBeNull();
      const sleeping = await sut.list({ namespace, handler: 'sleep', limit: 10 });
      expect(sleeping.items).toEqual([]);
      expect(
        (
          await sut.list({ namespace, handler: 'sleep', limit: 10, cursor: sleeping.nextCursor ?? undefined })
        ).items.map((job) => job.id),
      ).toEqual([dead]);
    });

    it.each([
      ['not base64 of anything', 'garbage'],
      ['an encoded non-id', Buffer.from('not-a-uuid', 'utf8').toString('base64url')],
      ['a raw id', '0190f0e2-7a8b-7c3d-8e4f-0123456789ab'],
    ])('should refuse a cursor it did not hand out (%s)', async (_, cursor) => {
      const refused = sut.list({ namespace: 'default', limit: 2, cursor });

      await expect(refused).rejects.toBeInstanceOf(ValidationError);
      await expect(refused).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'cursor' })] });
    });
  });

  describe('findWithLatestExecution', () => {
    it('should read a job and its latest execution exactly as the Prisma mappers do', async () => {
      const spec = aJobSpec({
        payload: { nested: { list: [1, 'two', null], ok: true } },
        runAt: new Date().toISOString(),
      });
      const created = await sut.createWithFirstExecution(aNewJob(spec));
      const jobId = created.created ? created.job.id : '';
      const newer = newId();
      await db.execution.create({
        data: {
          id: newer,
          jobId,
          namespace: 'default',
          status: 'DEAD',
          scheduledFor: new Date(),
          lastError: { code: 'x' },
        },
      });

      const found = await sut.findWithLatestExecution('default', jobId);

      expect(found?.job).toEqual(toJobRecord(await db.job.findUniqueOrThrow({ where: { id: jobId } })));
      expect(found?.latestExecution).toEqual(
        toExecutionRecord(await db.execution.findUniqueOrThrow({ where: { id: newer } })),
      );
    });

    it('should give a recurring job before its first run with no execution', async () => {
      const spec = aJobSpec({ schedule: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' } });
      const job = await sut.createRecurring({
        jobId: newId(),
        namespace: 'default',
        spec,
        schedule: toRecurringSchedule(spec.recurrence?.schedule),
        firstRunAt: new Date(Date.now() + 60_000),
        overlap: 'skip',
        catchUp: { policy: 'skip', windowMs: 60_000, max: 100 },
        idempotencyKey: null,
        requestHash: null,
      });

      const found = await sut.findWithLatestExecution('default', job?.id ?? '');

      expect(found?.latestExecution).toBeNull();
      expect(found?.job.recurrence).toEqual(expect.objectContaining({ state: 'ACTIVE', overlap: 'skip' }));
    });

    it('should not find a job of another namespace, nor one that does not exist', async () => {
      const created = await sut.createWithFirstExecution(aNewJob(aJobSpec(), { namespace: 'team-a' }));

      expect(await sut.findWithLatestExecution('team-b', created.created ? created.job.id : '')).toBeNull();
      expect(await sut.findWithLatestExecution('team-a', newId())).toBeNull();
    });
  });

  describe('delete', () => {
    it('should delete a job with its executions, attempts and outbox rows', async () => {
      const input = aNewJob();
      await sut.createWithFirstExecution(input);
      await db.executionAttempt.create({
        data: { executionId: input.executionId, attempt: 1, outcome: 'FAILED', workerId: 'w', startedAt: new Date() },
      });
      const kept = aNewJob();
      await sut.createWithFirstExecution(kept);
      const before = await rowCounts();

      expect(await sut.delete('default', input.jobId)).toBe(true);

      expect(await findJob('default', input.jobId)).toBeNull();
      expect(await db.execution.count({ where: { id: input.executionId } })).toBe(0);
      expect(await db.executionAttempt.count({ where: { executionId: input.executionId } })).toBe(0);
      expect(await db.outbox.count({ where: { executionId: input.executionId } })).toBe(0);
      expect(await rowCounts()).toEqual({
        jobs: before.jobs - 1,
        executions: before.executions - 1,
        attempts: before.attempts - 1,
        outbox: before.outbox - 1,
      });
      expect(await findJob('default', kept.jobId)).not.toBeNull();
    });

    it('should say when there was nothing to delete', async () => {
      const input = aNewJob();
      await sut.createWithFirstExecution(input);
      await sut.delete('default', input.jobId);

      expect(await sut.delete('default', input.jobId)).toBe(false);
      expect(await sut.delete('default', newId())).toBe(false);
    });

    it('should not delete a job of another namespace', async () => {
      const input = aNewJob(aJobSpec(), { namespace: 'team-a' });
      await sut.createWithFirstExecution(input);

      expect(await sut.delete('team-b', input.jobId)).toBe(false);

      expect(await findJob('team-a', input.jobId)).not.toBeNull();
      expect(await db.outbox.count({ where: { executionId: input.executionId } })).toBe(1);
    });
  });

  describe('createBatch', () => {
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
      schedule: toRecurringSchedule({ every: '1m' }),
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
      const stored = await findJob(namespace, jobs[1]?.jobId ?? '');
      expect(stored?.recurrence).toMatchObject({ state: 'ACTIVE', nextRunAt: new Date('2030-01-01T00:00:00.000Z') });
    });

    it('should still read and list a recurring job whose stored schedule no longer parses, failing only its occurrences', async () => {
      const namespace = aNamespace();
      const job = recurring();
      await sut.createBatch({ namespace, jobs: [job], idempotencyKey: null, requestHash: null });
      // As a cron library or time-zone database that stopped accepting a stored schedule would leave it.
      const outdated = { cron: '0 9 * * *', timezone: 'Mars/Olympus_Mons' };
      await db.job.update({ where: { id: job.jobId }, data: { schedule: outdated } });

      const stored = await findJob(namespace, job.jobId);
      const listed = await sut.list({ namespace, limit: 10 });

      expect(stored?.recurrence?.schedule.definition).toEqual(outdated);
      expect(listed.items.map((item) => item.id)).toEqual([job.jobId]);
      expect(() => stored?.recurrence?.schedule.schedule).toThrow(ValidationError);
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

      const found = (await sut.findManyWithLatestExecution(namespace, [c, newId(), a, b])).map(({ job }) => job);

      expect(found.map((job) => job.id)).toEqual([c, a, b]);
    });
  });
});

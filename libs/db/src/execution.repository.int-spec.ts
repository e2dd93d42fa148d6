import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ExecutionStatus } from '@meridian/domain';
import { aNewJob, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { ExecutionRepository } from './execution.repository.js';
import { JobRepository } from './job.repository.js';
import { createDatabase, type Database } from './prisma-client.factory.js';

describe(ExecutionRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let jobs: JobRepository;
  let sut: ExecutionRepository;
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase({ url: database.url, poolSize: 5 });
    jobs = new JobRepository(db);
    sut = new ExecutionRepository(db);
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  /** A stored job whose execution is in `status`. */
  async function anExecution(status: ExecutionStatus = 'QUEUED') {
    const input = aNewJob();
    await jobs.createWithFirstExecution(input);
    await db.execution.update({ where: { id: input.executionId }, data: { status } });
    return { jobId: input.jobId, executionId: input.executionId };
  }

  const jobStatus = async (jobId: string) => (await db.job.findUniqueOrThrow({ where: { id: jobId } })).status;

  it('should start the first attempt of a queued execution', async () => {
    const { jobId, executionId } = await anExecution('QUEUED');

    const started = await sut.startAttempt(executionId, 'worker-1', t0);

    expect(started).toEqual({ executionId, attempt: 1 });
    const execution = await sut.findById('default', executionId);
    expect(execution).toMatchObject({ status: 'RUNNING', attempt: 1, workerId: 'worker-1', startedAt: t0 });
    expect(execution?.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: 'RUNNING',
        workerId: 'worker-1',
        startedAt: t0,
        finishedAt: null,
      }),
    ]);
    expect(await jobStatus(jobId)).toBe('RUNNING');
  });

  it.each<ExecutionStatus>(['SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED'])(
    'should refuse to start an execution that is %s, changing nothing',
    async (status) => {
      const { executionId } = await anExecution(status);

      expect(await sut.startAttempt(executionId, 'worker-1', t0)).toBeNull();
      expect(await sut.findById('default', executionId)).toMatchObject({ status, attempt: 0, attempts: [] });
    },
  );

  it('should start a new attempt on redelivery and close the lost one as INTERRUPTED', async () => {
    const { executionId } = await anExecution('QUEUED');
    await sut.startAttempt(executionId, 'worker-lost', t0);

    const again = await sut.startAttempt(executionId, 'worker-2', at(30_000));

    expect(again?.attempt).toBe(2);
    const execution = await sut.findById('default', executionId);
    expect(execution?.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.durationMs])).toEqual([
      [1, 'INTERRUPTED', 30_000],
      [2, 'RUNNING', null],
    ]);
  });

  it('should refuse a late result from a lost attempt once a newer one has started', async () => {
    const { executionId } = await anExecution('QUEUED');
    await sut.startAttempt(executionId, 'worker-lost', t0);
    await sut.startAttempt(executionId, 'worker-2', at(1000));

    const stale = await sut.finishAttempt(executionId, 1, { status: 'SUCCEEDED', result: 'late' }, at(2000));

    expect(stale).toBe(false);
    expect(await sut.findById('default', executionId)).toMatchObject({ status: 'RUNNING', attempt: 2, result: null });
  });

  it('should record success with the result, the duration and the job status', async () => {
    const { jobId, executionId } = await anExecution();
    await sut.startAttempt(executionId, 'w', t0);

    expect(await sut.finishAttempt(executionId, 1, { status: 'SUCCEEDED', result: { rows: 3 } }, at(1500))).toBe(true);

    const execution = await sut.findById('default', executionId);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', result: { rows: 3 }, finishedAt: at(1500) });
    expect(execution?.attempts[0]).toMatchObject({ outcome: 'SUCCEEDED', durationMs: 1500, finishedAt: at(1500) });
    expect(await jobStatus(jobId)).toBe('SUCCEEDED');
  });

  it('should record a failure to be retried with its error and delay', async () => {
    const { jobId, executionId } = await anExecution();
    await sut.startAttempt(executionId, 'w', t0);
    const error = { code: 'handler_failed', message: 'answered 503' };

    await sut.finishAttempt(
      executionId,
      1,
      { status: 'RETRYING', outcome: 'FAILED', error, retryDelayMs: 800 },
      at(100),
    );

    const execution = await sut.findById('default', executionId);
    expect(execution).toMatchObject({ status: 'RETRYING', lastError: error, nextAttemptAt: at(900), finishedAt: null });
    expect(execution?.attempts[0]).toMatchObject({ outcome: 'FAILED', error, retryDelayMs: 800, durationMs: 100 });
    expect(await jobStatus(jobId)).toBe('RETRYING');

    expect(await sut.startAttempt(executionId, 'w', at(900))).toEqual({ executionId, attempt: 2 });
    expect((await sut.findById('default', executionId))?.nextAttemptAt).toBeNull();
  });

  it('should record a dead execution with the timed-out attempt', async () => {
    const { jobId, executionId } = await anExecution();
    await sut.startAttempt(executionId, 'w', t0);

    await sut.finishAttempt(
      executionId,
      1,
      { status: 'DEAD', outcome: 'TIMED_OUT', error: { code: 'handler_timed_out' } },
      at(300),
    );

    const execution = await sut.findById('default', executionId);
    expect(execution).toMatchObject({ status: 'DEAD', finishedAt: at(300), lastError: { code: 'handler_timed_out' } });
    expect(execution?.attempts[0]?.outcome).toBe('TIMED_OUT');
    expect(await jobStatus(jobId)).toBe('DEAD');
  });

  it('should cancel unfinished executions, report what each was, and refuse the running attempt its result', async () => {
    const { jobId, executionId } = await anExecution();
    await sut.startAttempt(executionId, 'w', t0);

    const cancelled = await sut.cancelByJob(jobId, at(50));

    expect(cancelled).toEqual([{ id: executionId, previousStatus: 'RUNNING' }]);
    expect(await jobStatus(jobId)).toBe('CANCELLED');
    expect(await sut.finishAttempt(executionId, 1, { status: 'SUCCEEDED', result: null }, at(60))).toBe(false);
    expect(await sut.closeAttempt(executionId, 1, 'CANCELLED', { code: 'handler_cancelled' }, at(70))).toBe(true);
    const execution = await sut.findById('default', executionId);
    expect(execution).toMatchObject({ status: 'CANCELLED', finishedAt: at(50) });
    expect(execution?.attempts[0]).toMatchObject({ outcome: 'CANCELLED', durationMs: 70 });
    expect(await sut.cancelByJob(jobId, at(80))).toEqual([]);
  });

  it('should hand a running execution back to the queue without spending the attempt', async () => {
    const { jobId, executionId } = await anExecution();
    await sut.startAttempt(executionId, 'w', t0);

    expect(await sut.releaseAttempt(executionId, 1, at(10))).toBe(true);

    const execution = await sut.findById('default', executionId);
    expect(execution).toMatchObject({ status: 'QUEUED', attempt: 1 });
    expect(execution?.attempts[0]?.outcome).toBe('INTERRUPTED');
    expect(await jobStatus(jobId)).toBe('QUEUED');
    expect((await sut.startAttempt(executionId, 'w2', at(20)))?.attempt).toBe(2);
  });

  it('should find live executions untouched for a while, for the reconciler', async () => {
    const queued = await anExecution('QUEUED');
    const done = await anExecution('SUCCEEDED');
    const staleBefore = new Date(Date.now() + 60_000);

    const live = await sut.findLive(staleBefore, null, 1000);

    const ids = live.map((execution) => execution.dispatch.executionId);
    expect(ids).toContain(queued.executionId);
    expect(ids).not.toContain(done.executionId);
    expect(live.find((execution) => execution.dispatch.executionId === queued.executionId)).toMatchObject({
      status: 'QUEUED',
      dispatch: { jobId: queued.jobId, handler: 'noop', queue: 'default' },
    });
    expect(await sut.findLive(new Date(0), null, 1000)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '@meridian/domain';
import { aJobSpec, aNewJob, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { ExecutionRepository } from './execution.repository.js';
import { JobRepository } from './job.repository.js';
import { OverviewRepository } from './overview.repository.js';
import { connectPostgres, type Postgres } from './postgres.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

const t0 = new Date('2026-03-02T09:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
/** Ten one-minute buckets from t0. */
const window = { from: t0, to: at(600), bucketSeconds: 60 };
const failure = { code: 'handler_failed', message: 'boom' };

describe(OverviewRepository.name, () => {
  let database: TestDatabase;
  let postgres: Postgres;
  let jobs: JobRepository;
  let executions: ExecutionRepository;
  let sut: OverviewRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 5 });
    jobs = new JobRepository(postgres.prisma, postgres.sql);
    executions = new ExecutionRepository(postgres.prisma, postgres.sql);
    sut = new OverviewRepository(postgres.sql);
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  /** A one-off job of `namespace` due at `dueAt`; returns its first execution's id. */
  async function anExecution(namespace: string, dueAt: Date = t0): Promise<string> {
    const input = aNewJob(aJobSpec({}, dueAt), { namespace });
    await jobs.createWithFirstExecution(input, dueAt);
    return input.executionId;
  }

  /** Starts the execution's next attempt at `start` and returns its number. */
  async function start(executionId: string, start: Date): Promise<number> {
    return (await executions.startAttempt(executionId, 'worker-1', start))?.attempt ?? 0;
  }

  it('should count what ended in each bucket, the failed attempts among them, and how late first attempts started', async () => {
    const namespace = `ns-${newId()}`;
    // Succeeds at once, one second late: bucket 0.
    const quick = await anExecution(namespace);
    await executions.finishAttempt(quick, await start(quick, at(1)), { status: 'SUCCEEDED', result: null }, at(2));
    // Fails in bucket 2, times out in bucket 3 and is DEAD there; first started two minutes late.
    const doomed = await anExecution(namespace);
    const first = await start(doomed, at(120));
    await executions.finishAttempt(
      doomed,
      first,
      { status: 'RETRYING', outcome: 'FAILED', error: failure, retryDelayMs: 1000 },
      at(150),
    );
    const second = await start(doomed, at(170));
    await executions.finishAttempt(doomed, second, { status: 'DEAD', outcome: 'TIMED_OUT', error: failure }, at(200));
    // Failed in bucket 4 and waits to retry: not ended, its failed attempt counts.
    const retrying = await anExecution(namespace);
    await executions.finishAttempt(
      retrying,
      await start(retrying, at(245)),
      { status: 'RETRYING', outcome: 'FAILED', error: failure, retryDelayMs: 600_000 },
      at(250),
    );
    // Cancelled in bucket 5 before it ever started.
    const cancelled = await anExecution(namespace, at(300));
    const { jobId } = await postgres.prisma.execution.findUniqueOrThrow({ where: { id: cancelled } });
    await executions.cancelByJob(jobId, at(330));
    // Running since bucket 6, 3.6 s late.
    const running = await anExecution(namespace, at(356.4));
    await start(running, at(360));
    // Ended before the window, and another namespace's: neither counts.
    const before = await anExecution(namespace, at(-120));
    await executions.finishAttempt(
      before,
      await start(before, at(-100)),
      { status: 'SUCCEEDED', result: null },
      at(-90),
    );
    const theirs = await anExecution(`ns-${newId()}`);
    await executions.finishAttempt(theirs, await start(theirs, at(5)), { status: 'SUCCEEDED', result: null }, at(6));

    const activity = await sut.executionActivity(namespace, window);

    const none = { succeeded: 0, dead: 0, cancelled: 0, failedAttempts: 0, timedOutAttempts: 0 };
    expect(activity.buckets).toEqual([
      { index: 0, ...none, succeeded: 1 },
      { index: 2, ...none, failedAttempts: 1 },
      { index: 3, ...none, dead: 1, failedAttempts: 1, timedOutAttempts: 1 },
      { index: 4, ...none, failedAttempts: 1 },
      { index: 5, ...none, cancelled: 1 },
    ]);
    // First starts measured: 1 s, 120 s, 245 s and 3.6 s late.
    expect(activity.lateness).toEqual({ measured: 4, p50Ms: 61_800, p99Ms: 241_250, maxMs: 245_000 });
  });

  it('should measure nothing in a window where nothing happened', async () => {
    const activity = await sut.executionActivity(`ns-${newId()}`, window);

    expect(activity).toEqual({ buckets: [], lateness: { measured: 0, p50Ms: null, p99Ms: null, maxMs: null } });
  });
});

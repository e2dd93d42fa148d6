import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ExecutionStatus, newId } from '@meridian/domain';
import { aNewJob, createTestDatabase, type TestDatabase } from '@meridian/testing';
import pg from 'pg';

import { ExecutionRepository } from './execution.repository.js';
import { finishAttempts, markQueued, startAttempts } from './internal/execution-transitions.js';
import { JobRepository } from './job.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';
import type { SqlTransaction, Statement } from './sql-client.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

describe(ExecutionRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let postgres: Postgres;
  let jobs: JobRepository;
  let sut: ExecutionRepository;
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 5 });
    db = postgres.prisma;
    jobs = new JobRepository(db, postgres.sql);
    sut = new ExecutionRepository(db, postgres.sql);
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  /** A stored job whose first execution, and the job itself, are in `status`. */
  async function anExecution(status: ExecutionStatus = 'QUEUED') {
    const input = aNewJob();
    await jobs.createWithFirstExecution(input);
    await db.execution.update({ where: { id: input.executionId }, data: { status } });
    await db.job.update({ where: { id: input.jobId }, data: { status } });
    return { jobId: input.jobId, executionId: input.executionId };
  }

  /** Another execution of `jobId`, in `status`. */
  async function anotherExecution(jobId: string, status: ExecutionStatus) {
    const id = newId();
    await db.execution.create({
      data: { id, jobId, namespace: 'default', status, scheduledFor: t0, finishedAt: null },
    });
    return id;
  }

  const jobStatus = async (jobId: string) => (await db.job.findUniqueOrThrow({ where: { id: jobId } })).status;

  /** Everything a write could have touched, to show that a refused write touched nothing. */
  const snapshot = async (jobId: string, executionId: string) => ({
    job: await db.job.findUniqueOrThrow({ where: { id: jobId } }),
    execution: await sut.findById('default', executionId),
  });

  describe('startAttempt', () => {
    it('should start the first attempt of a queued execution', async () => {
      const { jobId, executionId } = await anExecution('QUEUED');

      const started = await sut.startAttempt(executionId, 'worker-1', t0);

      expect(started).toEqual({ executionId, attempt: 1, countedAttempt: 1, resumed: false });
      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({ status: 'RUNNING', attempt: 1, workerId: 'worker-1', startedAt: t0 });
      expect(execution?.attempts).toEqual([
        {
          attempt: 1,
          outcome: 'RUNNING',
          workerId: 'worker-1',
          startedAt: t0,
          finishedAt: null,
          durationMs: null,
          error: null,
          retryDelayMs: null,
        },
      ]);
      expect(await jobStatus(jobId)).toBe('RUNNING');
    });

    it.each<ExecutionStatus>(['PENDING', 'RETRYING'])('should also start an execution that is %s', async (status) => {
      const { jobId, executionId } = await anExecution(status);

      expect(await sut.startAttempt(executionId, 'worker-1', t0)).toEqual({
        executionId,
        attempt: 1,
        countedAttempt: 1,
        resumed: false,
      });

      expect((await sut.findById('default', executionId))?.status).toBe('RUNNING');
      expect(await jobStatus(jobId)).toBe('RUNNING');
    });

    it.each<ExecutionStatus>(['SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED'])(
      'should refuse to start an execution that is %s, changing nothing',
      async (status) => {
        const { jobId, executionId } = await anExecution(status);
        const before = await snapshot(jobId, executionId);

        expect(await sut.startAttempt(executionId, 'worker-1', t0)).toBeNull();

        expect(await snapshot(jobId, executionId)).toEqual(before);
        expect(before.execution).toMatchObject({ status, attempt: 0, attempts: [] });
      },
    );

    it('should refuse to start an execution that does not exist', async () => {
      expect(await sut.startAttempt(newId(), 'worker-1', t0)).toBeNull();
    });

    it('should start a new attempt on redelivery and close the lost one as INTERRUPTED', async () => {
      const { jobId, executionId } = await anExecution('QUEUED');
      await sut.startAttempt(executionId, 'worker-lost', t0);

      const again = await sut.startAttempt(executionId, 'worker-2', at(30_000));

      expect(again).toEqual({ executionId, attempt: 2, countedAttempt: 1, resumed: false });
      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({ status: 'RUNNING', attempt: 2, workerId: 'worker-2', startedAt: at(30_000) });
      expect(
        execution?.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.workerId, attempt.durationMs]),
      ).toEqual([
        [1, 'INTERRUPTED', 'worker-lost', 30_000],
        [2, 'RUNNING', 'worker-2', null],
      ]);
      expect(execution?.attempts[0]?.finishedAt).toEqual(at(30_000));
      expect(await jobStatus(jobId)).toBe('RUNNING');
    });
  });

  describe('finishAttempt', () => {
    it('should refuse a late result from a lost attempt once a newer one has started, changing nothing', async () => {
      const { jobId, executionId } = await anExecution('QUEUED');
      await sut.startAttempt(executionId, 'worker-lost', t0);
      await sut.startAttempt(executionId, 'worker-2', at(1000));
      const before = await snapshot(jobId, executionId);

      const stale = await sut.finishAttempt(executionId, 1, { status: 'SUCCEEDED', result: 'late' }, at(2000));

      expect(stale).toBeNull();
      expect(await snapshot(jobId, executionId)).toEqual(before);
      expect(before.execution).toMatchObject({ status: 'RUNNING', attempt: 2, result: null });
      expect(before.execution?.attempts.map((attempt) => attempt.outcome)).toEqual(['INTERRUPTED', 'RUNNING']);
    });

    it('should refuse a result for an attempt that has not started', async () => {
      const { jobId, executionId } = await anExecution('QUEUED');
      await sut.startAttempt(executionId, 'w', t0);
      const before = await snapshot(jobId, executionId);

      const refused = await sut.finishAttempt(
        executionId,
        2,
        { status: 'DEAD', outcome: 'FAILED', error: { code: 'handler_failed' } },
        at(10),
      );

      expect(refused).toBeNull();
      expect(await snapshot(jobId, executionId)).toEqual(before);
    });

    it('should refuse a result for an execution that is not running', async () => {
      const { jobId, executionId } = await anExecution('QUEUED');
      const before = await snapshot(jobId, executionId);

      expect(await sut.finishAttempt(executionId, 0, { status: 'SUCCEEDED', result: null }, at(10))).toBeNull();

      expect(await snapshot(jobId, executionId)).toEqual(before);
    });

    it('should record success with the result, the duration and the job status', async () => {
      const { jobId, executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);

      expect(await sut.finishAttempt(executionId, 1, { status: 'SUCCEEDED', result: { rows: 3 } }, at(1500))).toEqual({
        hasDependents: false,
      });

      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({
        status: 'SUCCEEDED',
        result: { rows: 3 },
        finishedAt: at(1500),
        nextAttemptAt: null,
      });
      expect(execution?.attempts).toEqual([
        {
          attempt: 1,
          outcome: 'SUCCEEDED',
          workerId: 'w',
          startedAt: t0,
          finishedAt: at(1500),
          durationMs: 1500,
          error: null,
          retryDelayMs: null,
        },
      ]);
      expect(await jobStatus(jobId)).toBe('SUCCEEDED');
    });

    it('should record a failure to be retried with its error and delay', async () => {
      const { jobId, executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);
      const error = { code: 'handler_failed', message: 'answered 503' };

      const applied = await sut.finishAttempt(
        executionId,
        1,
        { status: 'RETRYING', outcome: 'FAILED', error, retryDelayMs: 800 },
        at(100),
      );

      expect(applied).toEqual({ hasDependents: false });
      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({
        status: 'RETRYING',
        attempt: 1,
        lastError: error,
        nextAttemptAt: at(900),
        finishedAt: null,
        result: null,
      });
      expect(execution?.attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'FAILED',
          error,
          retryDelayMs: 800,
          durationMs: 100,
          finishedAt: at(100),
        }),
      ]);
      expect(await jobStatus(jobId)).toBe('RETRYING');
    });

    it('should start the next attempt of a retrying execution and clear its next attempt time', async () => {
      const { executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);
      await sut.finishAttempt(
        executionId,
        1,
        { status: 'RETRYING', outcome: 'FAILED', error: { code: 'handler_failed' }, retryDelayMs: 800 },
        at(100),
      );

      expect(await sut.startAttempt(executionId, 'w', at(900))).toEqual({
        executionId,
        attempt: 2,
        countedAttempt: 2,
        resumed: false,
      });

      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({ status: 'RUNNING', attempt: 2, nextAttemptAt: null });
      expect(execution?.attempts.map((attempt) => attempt.outcome)).toEqual(['FAILED', 'RUNNING']);
    });

    it('should record a dead execution with the timed-out attempt', async () => {
      const { jobId, executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);
      const error = { code: 'handler_timed_out', final: 'attempts_exhausted' };

      const applied = await sut.finishAttempt(executionId, 1, { status: 'DEAD', outcome: 'TIMED_OUT', error }, at(300));

      expect(applied).toEqual({ hasDependents: false });
      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({ status: 'DEAD', finishedAt: at(300), lastError: error, nextAttemptAt: null });
      expect(execution?.attempts).toEqual([
        expect.objectContaining({ outcome: 'TIMED_OUT', error, durationMs: 300, retryDelayMs: null }),
      ]);
      expect(await jobStatus(jobId)).toBe('DEAD');
    });

    it('should accept only the first of two results for one attempt', async () => {
      const { executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);
      await sut.finishAttempt(executionId, 1, { status: 'SUCCEEDED', result: 'first' }, at(10));

      const second = await sut.finishAttempt(
        executionId,
        1,
        { status: 'DEAD', outcome: 'FAILED', error: { code: 'handler_failed' } },
        at(20),
      );

      expect(second).toBeNull();
      expect(await sut.findById('default', executionId)).toMatchObject({ status: 'SUCCEEDED', result: 'first' });
    });

    it.each([
      ['result', { status: 'SUCCEEDED', result: { body: 'binary\u0000tail' } }],
      ['error', { status: 'DEAD', outcome: 'FAILED', error: { code: 'handler_failed', message: 'got \u0000' } }],
    ] as const)(
      'should record an outcome whose %s holds a NUL character, which jsonb cannot store as text',
      async (_, outcome) => {
        // A handler's result or error often echoes a remote body. If recording it throws, the worker
        // treats the failure as an outage and redelivers the execution, running the handler again, forever.
        const { jobId, executionId } = await anExecution();
        await sut.startAttempt(executionId, 'w', t0);

        expect(await sut.finishAttempt(executionId, 1, outcome, at(10))).toEqual({ hasDependents: false });

        expect((await sut.findById('default', executionId))?.status).toBe(outcome.status);
        expect(await jobStatus(jobId)).toBe(outcome.status);
      },
    );
  });

  describe('cancelByJob', () => {
    it('should cancel unfinished executions, report what each was, and refuse the running attempt its result', async () => {
      const { jobId, executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);

      const cancelled = await sut.cancelByJob(jobId, at(50));

      expect(cancelled).toEqual([{ id: executionId, previousStatus: 'RUNNING' }]);
      expect(await jobStatus(jobId)).toBe('CANCELLED');
      expect(await sut.finishAttempt(executionId, 1, { status: 'SUCCEEDED', result: null }, at(60))).toBeNull();
      expect(await sut.closeAttempt(executionId, 1, 'CANCELLED', { code: 'handler_cancelled' }, at(70))).toBe(true);
      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({ status: 'CANCELLED', finishedAt: at(50), result: null });
      expect(execution?.attempts[0]).toMatchObject({ outcome: 'CANCELLED', durationMs: 70 });
      expect(await sut.cancelByJob(jobId, at(80))).toEqual([]);
    });

    it('should cancel only the executions that have not finished, each with its previous status', async () => {
      const { jobId, executionId: pending } = await anExecution('PENDING');
      const finished = await Promise.all(
        (['SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED'] as const).map(async (status) => ({
          id: await anotherExecution(jobId, status),
          status,
        })),
      );
      const queued = await anotherExecution(jobId, 'QUEUED');
      const retrying = await anotherExecution(jobId, 'RETRYING');
      const running = await anotherExecution(jobId, 'QUEUED');
      await sut.startAttempt(running, 'w', t0);
      const finishedBefore = await Promise.all(finished.map(({ id }) => sut.findById('default', id)));

      const cancelled = await sut.cancelByJob(jobId, at(50));

      expect(new Map(cancelled.map((execution) => [execution.id, execution.previousStatus]))).toEqual(
        new Map([
          [pending, 'PENDING'],
          [queued, 'QUEUED'],
          [retrying, 'RETRYING'],
          [running, 'RUNNING'],
        ]),
      );
      expect(cancelled).toHaveLength(4);
      for (const id of [pending, queued, retrying, running]) {
        expect(await sut.findById('default', id)).toMatchObject({
          status: 'CANCELLED',
          finishedAt: at(50),
          nextAttemptAt: null,
        });
      }
      expect(await Promise.all(finished.map(({ id }) => sut.findById('default', id)))).toEqual(finishedBefore);
      expect(await jobStatus(jobId)).toBe('CANCELLED');
    });

    it('should leave the job showing its newest run when an older one, still going, is cancelled or ends', async () => {
      const { jobId, executionId: older } = await anExecution('QUEUED');
      await sut.startAttempt(older, 'w', t0);
      const newer = await anotherExecution(jobId, 'QUEUED');
      await sut.startAttempt(newer, 'w', t0);
      expect(await jobStatus(jobId)).toBe('RUNNING');

      await sut.finishAttempt(older, 1, { status: 'SUCCEEDED', result: null }, at(10));
      expect(await jobStatus(jobId)).toBe('RUNNING');

      await sut.finishAttempt(newer, 1, { status: 'DEAD', outcome: 'FAILED', error: { code: 'boom' } }, at(20));
      expect(await jobStatus(jobId)).toBe('DEAD');
    });

    it('should cancel nothing, and leave the job as it was, when every execution has finished', async () => {
      const { jobId, executionId } = await anExecution('SUCCEEDED');
      const before = await snapshot(jobId, executionId);

      expect(await sut.cancelByJob(jobId, at(50))).toEqual([]);

      expect(await snapshot(jobId, executionId)).toEqual(before);
    });

    it('should refuse to start an execution once it is cancelled', async () => {
      const { jobId, executionId } = await anExecution('QUEUED');
      await sut.cancelByJob(jobId, at(50));

      expect(await sut.startAttempt(executionId, 'w', at(60))).toBeNull();
      expect(await sut.findById('default', executionId)).toMatchObject({ status: 'CANCELLED', attempts: [] });
    });
  });

  describe('releaseAttempt', () => {
    it('should hand a running execution back to the queue, closing the attempt as INTERRUPTED', async () => {
      const { jobId, executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);

      expect(await sut.releaseAttempt(executionId, 1, at(10))).toBe(true);

      const execution = await sut.findById('default', executionId);
      expect(execution).toMatchObject({ status: 'QUEUED', attempt: 1, finishedAt: null });
      expect(execution?.attempts).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'INTERRUPTED', finishedAt: at(10), durationMs: 10 }),
      ]);
      expect(await jobStatus(jobId)).toBe('QUEUED');
      expect((await sut.startAttempt(executionId, 'w2', at(20)))?.attempt).toBe(2);
    });

    it('should refuse to release an attempt that is no longer the running one, changing nothing', async () => {
      const { jobId, executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w-lost', t0);
      await sut.startAttempt(executionId, 'w2', at(10));
      const before = await snapshot(jobId, executionId);

      expect(await sut.releaseAttempt(executionId, 1, at(20))).toBe(false);

      expect(await snapshot(jobId, executionId)).toEqual(before);
    });

    it('should refuse to release a cancelled execution back to the queue', async () => {
      const { jobId, executionId } = await anExecution();
      await sut.startAttempt(executionId, 'w', t0);
      await sut.cancelByJob(jobId, at(5));

      expect(await sut.releaseAttempt(executionId, 1, at(10))).toBe(false);

      expect((await sut.findById('default', executionId))?.status).toBe('CANCELLED');
      expect(await jobStatus(jobId)).toBe('CANCELLED');
    });
  });

  describe('findLive', () => {
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
  describe('write amplification', () => {
    /**
     * Runs `move` in a transaction of its own, as the relay and the workers do, and counts the rows
     * it updated in `jobs` and `executions`, and how many of those updates were HOT (heap-only: no
     * index entry written). On a connection of its own: a backend's counts of earlier transactions
     * may not have been reported yet, and would be counted with these.
     */
    async function countedUpdates(move: (tx: SqlTransaction) => Promise<unknown>) {
      const connection = connectPostgres({ url: database.url, poolSize: 1 });
      try {
        return await connection.sql.transaction(async (tx) => {
          await move(tx);
          const [counts] = await tx.query<Record<'jobs' | 'jobsHot' | 'executions' | 'executionsHot', number>>(
            {
              name: 'test_xact_update_counts',
              text: `SELECT pg_stat_get_xact_tuples_updated('jobs'::regclass)::int AS "jobs",
                            pg_stat_get_xact_tuples_hot_updated('jobs'::regclass)::int AS "jobsHot",
                            pg_stat_get_xact_tuples_updated('executions'::regclass)::int AS "executions",
                            pg_stat_get_xact_tuples_hot_updated('executions'::regclass)::int AS "executionsHot"`,
            },
            [],
          );
          if (counts === undefined) {
            throw new Error('no counts');
          }
          return counts;
        });
      } finally {
        await connection.close();
      }
    }

    it('should move a batch of executions, and mirror them on their jobs, without an index write until they end', async () => {
      const batch = Array.from({ length: 200 }, () => ({ kind: 'one_off' as const, ...aNewJob() }));
      await jobs.createBatch({ namespace: 'default', jobs: batch, idempotencyKey: null, requestHash: null });
      const ids = batch.map((job) => job.executionId);

      const relayed = await countedUpdates((tx) => markQueued(tx, ids, t0));
      const started = await countedUpdates((tx) =>
        startAttempts(
          tx,
          ids.map((executionId) => ({ executionId, workerId: 'meridian-worker-7d9f8b6c5-x2k4p-12345', now: at(1) })),
        ),
      );
      const ended = await countedUpdates((tx) =>
        finishAttempts(
          tx,
          ids.map((executionId) => ({
            executionId,
            attempt: 1,
            outcome: { status: 'SUCCEEDED', result: null },
            now: at(2),
          })),
        ),
      );

      // Each move updates every job and execution of the batch once.
      for (const counts of [relayed, started, ended]) {
        expect(counts).toMatchObject({ jobs: 200, executions: 200 });
      }
      // A job's row keeps its size, so each move of every job is HOT.
      expect([relayed.jobsHot, started.jobsHot, ended.jobsHot]).toEqual([200, 200, 200]);
      // An execution's row grows as it moves (queued_at, then started_at and the worker's id), so a
      // few of its new versions may not fit on their page when all of a page's rows move at once.
      expect(relayed.executionsHot).toBeGreaterThanOrEqual(180);
      expect(started.executionsHot).toBeGreaterThanOrEqual(180);
      // The end sets finished_at, which the index of unfinished executions names: its index writes.
      expect(ended.executionsHot).toBe(0);
    });
  });
  describe('lock order', () => {
    /** A transaction on a connection of its own, with no retry: a deadlock must show, not be cured. */
    async function aTransaction() {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('BEGIN');
      const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [
        { pid: number },
      ];
      const runner = {
        query: async <R>(statement: Statement, values: readonly unknown[]) =>
          (await client.query({ name: statement.name, text: statement.text, values: [...values] })).rows as R[],
      };
      return { client, pid, runner };
    }

    /** Resolves once backend `pid` waits for a lock. */
    async function waitingForLock(pid: number) {
      for (;;) {
        const [activity] = await db.$queryRaw<{ waiting: boolean }[]>`
          SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = ${pid}`;
        if (activity?.waiting === true) {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    it('should let a worker start executions the relay is still marking, listed in any order, without a deadlock', async () => {
      const [first, second] = [await anExecution('PENDING'), await anExecution('PENDING')]
        .map((e) => e.executionId)
        .sort() as [string, string];
      const holder = await aTransaction();
      const relay = await aTransaction();
      const worker = await aTransaction();
      try {
        // The relay marks both in id order and waits on the first, holding nothing yet; the worker,
        // handed them the other way round, comes next. Once the first is free, the relay takes both.
        await holder.client.query('SELECT 1 FROM executions WHERE id = $1 FOR UPDATE', [first]);
        const relayed = markQueued(relay.runner, [first, second], t0).then(() => relay.client.query('COMMIT'));
        await waitingForLock(relay.pid);
        const started = startAttempts(
          worker.runner,
          [second, first].map((executionId) => ({ executionId, workerId: 'worker-1', now: at(1) })),
        ).then(async (rows) => {
          await worker.client.query('COMMIT');
          return rows;
        });
        await waitingForLock(worker.pid);
        await holder.client.query('ROLLBACK');

        await relayed;
        expect((await started).map((row) => row.id).sort()).toEqual([first, second]);
        expect(await sut.findById('default', first)).toMatchObject({ status: 'RUNNING', attempt: 1 });
      } finally {
        await Promise.all([holder, relay, worker].map(({ client }) => client.end()));
      }
    });
  });
});

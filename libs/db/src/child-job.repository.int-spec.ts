import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { aJobSpec, aNewJob, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { ChildCancelReason, ChildJobRepository, type ParentAttempt } from './child-job.repository.js';
import { ExecutionRepository } from './execution.repository.js';
import { JobRepository } from './job.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

describe(ChildJobRepository.name, () => {
  let database: TestDatabase;
  let postgres: Postgres;
  let db: Database;
  let jobs: JobRepository;
  let executions: ExecutionRepository;
  let sut: ChildJobRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 5 });
    db = postgres.prisma;
    jobs = new JobRepository(db, postgres.sql);
    executions = new ExecutionRepository(db, postgres.sql);
    sut = new ChildJobRepository(db, postgres.sql);
  }, CLONE_TIMEOUT_MS);

  beforeEach(async () => {
    await db.$executeRaw`TRUNCATE jobs CASCADE`;
    await db.$executeRaw`TRUNCATE outbox`;
  });

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  /** A job whose first execution a worker has started (attempt 1), in `namespace`. */
  async function aRunningParent(namespace = 'default'): Promise<ParentAttempt> {
    const input = { ...aNewJob(), namespace };
    await jobs.createWithFirstExecution(input);
    const started = await executions.startAttempt(input.executionId, 'worker-1', new Date());
    return { executionId: input.executionId, jobId: input.jobId, namespace, attempt: started?.attempt ?? 0 };
  }

  const specs = (count: number) => Array.from({ length: count }, (_, n) => aJobSpec({ name: `child-${n}` }));

  /** Runs a child's execution to an end the way a worker does. */
  async function end(executionId: string, status: 'SUCCEEDED' | 'DEAD', result: unknown = null) {
    const started = await executions.startAttempt(executionId, 'worker-2', new Date());
    const attempt = started?.attempt ?? 0;
    await executions.finishAttempt(
      executionId,
      attempt,
      status === 'SUCCEEDED'
        ? { status, result }
        : { status, outcome: 'FAILED', error: { code: 'handler_failed', message: 'no' } },
      new Date(),
    );
  }

  describe('start', () => {
    it('should store each child as a job of the parent namespace, QUEUED, with no outbox row, in index order', async () => {
      const parent = await aRunningParent('acme');

      const children = await sut.start(parent, 'parts', 'partial', specs(3), new Date());

      expect(children?.map((child) => [child.index, child.status])).toEqual([
        [0, 'QUEUED'],
        [1, 'QUEUED'],
        [2, 'QUEUED'],
      ]);
      expect(children?.[0]?.dispatch).toMatchObject({
        namespace: 'acme',
        handler: 'noop',
        child: { parentExecutionId: parent.executionId, onChildFailure: 'partial' },
      });
      const stored = await db.job.findMany({ where: { parentJobId: parent.jobId }, orderBy: { childIndex: 'asc' } });
      expect(stored.map((job) => [job.namespace, job.childStep, job.childIndex, job.status])).toEqual([
        ['acme', 'parts', 0, 'QUEUED'],
        ['acme', 'parts', 1, 'QUEUED'],
        ['acme', 'parts', 2, 'QUEUED'],
      ]);
      expect(await db.outbox.count({ where: { execution: { job: { parentExecutionId: parent.executionId } } } })).toBe(
        0,
      );
    });

    it('should create nothing new when started again for the same execution and step (a redelivery, a later attempt)', async () => {
      const parent = await aRunningParent();
      const first = await sut.start(parent, 'parts', 'fail_parent', specs(3), new Date());

      const again = await sut.start(parent, 'parts', 'fail_parent', specs(3), new Date());

      expect(again?.map((child) => child.dispatch.jobId)).toEqual(first?.map((child) => child.dispatch.jobId));
      expect(await db.job.count({ where: { parentExecutionId: parent.executionId } })).toBe(3);
      expect(await db.execution.count({ where: { job: { parentExecutionId: parent.executionId } } })).toBe(3);
    });

    it('should keep the children of each step apart', async () => {
      const parent = await aRunningParent();
      await sut.start(parent, 'first', 'partial', specs(2), new Date());

      const second = await sut.start(parent, 'second', 'ignore_failed', specs(1), new Date());

      expect(second).toHaveLength(1);
      expect(
        (await sut.steps(parent.executionId)).map((step) => [step.step, step.onChildFailure, step.children.length]),
      ).toEqual([
        ['first', 'partial', 2],
        ['second', 'ignore_failed', 1],
      ]);
    });

    it('should store nothing for an attempt that no longer runs', async () => {
      const parent = await aRunningParent();
      await executions.cancelByJob(parent.jobId, new Date());

      await expect(sut.start(parent, 'parts', 'partial', specs(2), new Date())).resolves.toBeNull();
      expect(await db.job.count({ where: { parentExecutionId: parent.executionId } })).toBe(0);
    });

    it('should delete the children with their parent job', async () => {
      const parent = await aRunningParent();
      await sut.start(parent, 'parts', 'partial', specs(2), new Date());

      await jobs.delete('default', parent.jobId);

      expect(await db.job.count()).toBe(0);
    });
  });

  describe('steps', () => {
    it('should give each child its latest status, result and error, in index order', async () => {
      const parent = await aRunningParent();
      const children = (await sut.start(parent, 'parts', 'partial', specs(3), new Date())) ?? [];
      await end(children[2]?.dispatch.executionId ?? '', 'SUCCEEDED', { n: 2 });
      await end(children[0]?.dispatch.executionId ?? '', 'DEAD');

      const [step] = await sut.steps(parent.executionId);

      expect(step?.children.map(({ index, status, result, error }) => ({ index, status, result, error }))).toEqual([
        { index: 0, status: 'DEAD', result: null, error: expect.objectContaining({ code: 'handler_failed' }) },
        { index: 1, status: 'QUEUED', result: null, error: null },
        { index: 2, status: 'SUCCEEDED', result: { n: 2 }, error: null },
      ]);
    });
  });

  describe('cancelChildren', () => {
    it('should cancel the unfinished children only, with the reason, and leave ended ones as they are', async () => {
      const parent = await aRunningParent();
      const children = (await sut.start(parent, 'parts', 'partial', specs(3), new Date())) ?? [];
      await end(children[0]?.dispatch.executionId ?? '', 'SUCCEEDED');

      const cancelled = await sut.cancelChildren([parent.executionId], new Date());

      expect(cancelled.map((execution) => execution.id).sort()).toEqual(
        [children[1]?.dispatch.executionId, children[2]?.dispatch.executionId].sort(),
      );
      const [step] = await sut.steps(parent.executionId);
      expect(step?.children.map((child) => child.status)).toEqual(['SUCCEEDED', 'CANCELLED', 'CANCELLED']);
      expect(step?.children[1]?.error).toEqual(ChildCancelReason.ParentCancelled);
    });
  });

  describe('failingParents', () => {
    it('should name the running parent of a failed fail_parent child, and no other', async () => {
      const failing = await aRunningParent();
      const lenient = await aRunningParent();
      const [child] = (await sut.start(failing, 'parts', 'fail_parent', specs(2), new Date())) ?? [];
      const [other] = (await sut.start(lenient, 'parts', 'partial', specs(2), new Date())) ?? [];
      await end(child?.dispatch.executionId ?? '', 'DEAD');
      await end(other?.dispatch.executionId ?? '', 'DEAD');

      await expect(
        sut.failingParents([child?.dispatch.executionId ?? '', other?.dispatch.executionId ?? '']),
      ).resolves.toEqual([failing.executionId]);

      await executions.cancelByJob(failing.jobId, new Date());
      await expect(sut.failingParents([child?.dispatch.executionId ?? ''])).resolves.toEqual([]);
    });
  });

  describe('orphaningParents and stuckParents', () => {
    it('should find an ended parent whose children still run, once they are older than the grace', async () => {
      const parent = await aRunningParent();
      await sut.start(parent, 'parts', 'partial', specs(2), new Date());
      await db.$executeRaw`UPDATE executions SET status = 'CANCELLED', finished_at = now()
                            WHERE id = ${parent.executionId}::uuid`;

      await expect(sut.orphaningParents(new Date(Date.now() + 1000), 10)).resolves.toEqual([parent.executionId]);
      await expect(sut.orphaningParents(new Date(Date.now() - 60_000), 10)).resolves.toEqual([]);
      // Children retried by hand after their parent ended are their own.
      await db.$executeRaw`UPDATE executions SET finished_at = created_at - interval '1 second'
                            WHERE id = ${parent.executionId}::uuid`;
      await expect(sut.orphaningParents(new Date(Date.now() + 1000), 10)).resolves.toEqual([]);
      await db.$executeRaw`UPDATE executions SET finished_at = now() WHERE id = ${parent.executionId}::uuid`;
      await sut.cancelChildren([parent.executionId], new Date());
      await expect(sut.orphaningParents(new Date(Date.now() + 1000), 10)).resolves.toEqual([]);
    });

    it('should find a parent parked before the grace whose children have all ended, and no other', async () => {
      const stuck = await aRunningParent();
      const waiting = await aRunningParent();
      const [done] = (await sut.start(stuck, 'parts', 'partial', specs(1), new Date())) ?? [];
      await sut.start(waiting, 'parts', 'partial', specs(1), new Date());
      await end(done?.dispatch.executionId ?? '', 'SUCCEEDED');
      await executions.park(stuck.executionId, stuck.attempt, new Date());
      await executions.park(waiting.executionId, waiting.attempt, new Date());

      const found = await sut.stuckParents(new Date(Date.now() + 1000), 10);

      expect(found.map((dispatch) => dispatch.executionId)).toEqual([stuck.executionId]);
      await expect(sut.stuckParents(new Date(Date.now() - 60_000), 10)).resolves.toEqual([]);
    });
  });

  describe('listByParentJob', () => {
    it('should page through a job children in the order they were started, and filter by step', async () => {
      const parent = await aRunningParent();
      await sut.start(parent, 'a', 'partial', specs(3), new Date());
      await sut.start(parent, 'b', 'partial', specs(2), new Date());

      const first = await sut.listByParentJob({ namespace: 'default', parentJobId: parent.jobId, limit: 4 });
      const second = await sut.listByParentJob({
        namespace: 'default',
        parentJobId: parent.jobId,
        limit: 4,
        cursor: first.nextCursor ?? undefined,
      });
      const onlyB = await sut.listByParentJob({
        namespace: 'default',
        parentJobId: parent.jobId,
        limit: 10,
        step: 'b',
      });

      expect([...first.items, ...second.items].map((job) => [job.parent?.step, job.parent?.index])).toEqual([
        ['a', 0],
        ['a', 1],
        ['a', 2],
        ['b', 0],
        ['b', 1],
      ]);
      expect(second.nextCursor).toBeNull();
      expect(onlyB.items.map((job) => job.parent)).toEqual([
        { jobId: parent.jobId, executionId: parent.executionId, step: 'b', index: 0 },
        { jobId: parent.jobId, executionId: parent.executionId, step: 'b', index: 1 },
      ]);
      await expect(sut.listByParentJob({ namespace: 'other', parentJobId: parent.jobId, limit: 10 })).resolves.toEqual({
        items: [],
        nextCursor: null,
      });
    });
  });

  describe('parked attempts', () => {
    it('should resume a parked attempt on the next delivery instead of starting a new one', async () => {
      const parent = await aRunningParent();
      await expect(executions.park(parent.executionId, parent.attempt, new Date())).resolves.toBe(true);

      const resumed = await executions.startAttempt(parent.executionId, 'worker-3', new Date());

      expect(resumed).toMatchObject({ attempt: 1, countedAttempt: 1, resumed: true });
      expect(await db.executionAttempt.count({ where: { executionId: parent.executionId } })).toBe(1);
      await expect(executions.unpark(parent.executionId, 1)).resolves.toBe(true);
      const next = await executions.startAttempt(parent.executionId, 'worker-4', new Date());
      expect(next).toMatchObject({ attempt: 2, resumed: false });
    });

    it('should close the attempt of a parked execution when it is cancelled, as no worker holds it', async () => {
      const parent = await aRunningParent();
      await executions.park(parent.executionId, parent.attempt, new Date());

      await executions.cancelByJob(parent.jobId, new Date());

      const attempts = await db.executionAttempt.findMany({ where: { executionId: parent.executionId } });
      expect(attempts.map((attempt) => [attempt.outcome, attempt.finishedAt !== null])).toEqual([['CANCELLED', true]]);
      expect((await db.execution.findUniqueOrThrow({ where: { id: parent.executionId } })).parkedAt).toBeNull();
    });

    it('should clear the mark when the attempt ends', async () => {
      const parent = await aRunningParent();
      await executions.park(parent.executionId, parent.attempt, new Date());

      await executions.finishAttempt(
        parent.executionId,
        parent.attempt,
        { status: 'SUCCEEDED', result: 1 },
        new Date(),
      );

      expect((await db.execution.findUniqueOrThrow({ where: { id: parent.executionId } })).parkedAt).toBeNull();
    });
  });
});

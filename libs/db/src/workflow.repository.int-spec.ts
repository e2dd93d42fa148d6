import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ExecutionStatus, newId, parseWorkflowSpec, ValidationError, type WorkflowStatus } from '@meridian/domain';
import { createTestDatabase, type TestDatabase } from '@meridian/testing';

import { ExecutionRepository } from './execution.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';
import { WORKFLOW_STATUS_SCAN_LIMIT, WorkflowRepository } from './workflow.repository.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

const limits = { maxPayloadBytes: 262_144, runAtPastToleranceMs: 60_000 };
const noop = (key: string, dependsOn: string[] = []) => ({ key, name: key, handler: 'noop', dependsOn });
const t0 = new Date('2026-03-02T09:30:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe(WorkflowRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let postgres: Postgres;
  let executions: ExecutionRepository;
  let sut: WorkflowRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 5 });
    db = postgres.prisma;
    executions = new ExecutionRepository(db, postgres.sql);
    sut = new WorkflowRepository(db, postgres.sql);
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  /** A namespace of the test's own, so list results hold only the test's workflows. */
  const aNamespace = () => `ns-${newId()}`;

  /** Stores a workflow of `jobs` (a, then b after a, by default) in `namespace`; returns its id. */
  async function createWorkflow(namespace: string, jobs = [noop('a'), noop('b', ['a'])], name = 'w') {
    const spec = parseWorkflowSpec({ name, jobs }, limits, new Date(), () => []);
    return (await sut.create(namespace, spec, t0)).id;
  }

  /** Sets the status of the job `key` of workflow `id`, as its latest execution's moves would. */
  async function setJobStatus(id: string, key: string, status: ExecutionStatus) {
    await db.job.updateMany({ where: { workflowId: id, workflowKey: key }, data: { status } });
  }

  const listed = async (namespace: string, status?: WorkflowStatus) =>
    (await sut.list({ namespace, limit: 100, ...(status === undefined ? {} : { status }) })).items.map((w) => w.id);

  describe('status', () => {
    it.each<[string, Record<string, ExecutionStatus>, { cancelled?: boolean; failed?: boolean }, WorkflowStatus]>([
      ['a job has not ended', { a: 'SUCCEEDED', b: 'RUNNING' }, {}, 'RUNNING'],
      ['a job waits for its dependencies', { a: 'SUCCEEDED', b: 'BLOCKED' }, {}, 'RUNNING'],
      ['every job succeeded', { a: 'SUCCEEDED', b: 'SUCCEEDED' }, {}, 'SUCCEEDED'],
      ['a job died and the other was skipped', { a: 'DEAD', b: 'SKIPPED' }, {}, 'FAILED'],
      ['a job died and the other succeeded', { a: 'DEAD', b: 'SUCCEEDED' }, {}, 'FAILED'],
      ['it was cancelled, even while a job runs', { a: 'RUNNING', b: 'BLOCKED' }, { cancelled: true }, 'CANCELLED'],
      ['a fail_workflow edge fired, even while a job runs', { a: 'RUNNING', b: 'DEAD' }, { failed: true }, 'FAILED'],
    ])('should be derived the same way for a read and a listing when %s', async (_, jobs, marks, status) => {
      const namespace = aNamespace();
      const id = await createWorkflow(namespace);
      for (const [key, jobStatus] of Object.entries(jobs)) {
        await setJobStatus(id, key, jobStatus);
      }
      await db.workflow.update({
        where: { id },
        data: { cancelledAt: marks.cancelled === true ? t0 : null, failedAt: marks.failed === true ? t0 : null },
      });

      expect((await sut.find(namespace, id))?.status).toBe(status);
      expect(await listed(namespace)).toEqual([id]);
      expect(await listed(namespace, status)).toEqual([id]);
      for (const other of ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
        expect([other, await listed(namespace, other)]).toEqual([other, other === status ? [id] : []]);
      }
    });
  });

  describe('list', () => {
    it('should count the jobs by state, and say when the workflow started and, once every job ended, finished', async () => {
      const namespace = aNamespace();
      const id = await createWorkflow(namespace, [noop('a'), noop('b', ['a']), noop('c'), noop('d', ['c'])]);
      const workflow = await sut.find(namespace, id);
      const executionOf = (key: string) => workflow?.jobs.find((job) => job.key === key)?.execution.id ?? '';
      const started = await executions.startAttempt(executionOf('a'), 'w1', at(1));
      await executions.finishAttempt(
        executionOf('a'),
        started?.attempt ?? 0,
        { status: 'SUCCEEDED', result: 1 },
        at(2),
      );
      await executions.startAttempt(executionOf('c'), 'w1', at(3));

      const [running] = (await sut.list({ namespace, limit: 10 })).items;

      expect(running).toMatchObject({
        id,
        name: 'w',
        status: 'RUNNING',
        failurePolicy: 'skip',
        startedAt: at(1),
        finishedAt: null,
        jobCounts: { total: 4, blocked: 2, queued: 0, running: 1, succeeded: 1, dead: 0, cancelled: 0, skipped: 0 },
      });

      await sut.cancel(namespace, id, at(4));
      const [cancelled] = (await sut.list({ namespace, limit: 10 })).items;
      expect(cancelled).toMatchObject({
        status: 'CANCELLED',
        startedAt: at(1),
        finishedAt: at(4),
        jobCounts: { total: 4, blocked: 0, running: 0, succeeded: 1, cancelled: 3 },
      });
    });

    it('should page a namespace newest first, and walk every workflow exactly once', async () => {
      const namespace = aNamespace();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push(await createWorkflow(namespace));
      }
      await createWorkflow(aNamespace());

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await sut.list({ namespace, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        pages.push(page.items.map((workflow) => workflow.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);

      const newestFirst = [...ids].reverse();
      expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    });

    it('should keep the status filter while paging', async () => {
      const namespace = aNamespace();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push(await createWorkflow(namespace));
      }
      const [a, , c, , e] = ids as [string, string, string, string, string];
      for (const id of [a, c, e]) {
        await db.workflow.update({ where: { id }, data: { cancelledAt: t0 } });
      }

      const first = await sut.list({ namespace, status: 'CANCELLED', limit: 2 });
      const second = await sut.list({
        namespace,
        status: 'CANCELLED',
        limit: 2,
        cursor: first.nextCursor ?? undefined,
      });

      expect([...first.items, ...second.items].map((workflow) => workflow.id)).toEqual([e, c, a]);
      expect(second.nextCursor).toBeNull();
    });

    it('should read at most a bounded number of workflows for a status filter, and hand out a cursor to go on', async () => {
      const namespace = aNamespace();
      const cancelled = await createWorkflow(namespace, [noop('a')]);
      await db.workflow.update({ where: { id: cancelled }, data: { cancelledAt: t0 } });
      // Newer than the cancelled one: more running workflows than one page reads, stored in bulk.
      await db.$executeRaw`
        INSERT INTO workflows (id, namespace, name, failure_policy, created_at, updated_at)
        SELECT (lpad(to_hex(extract(epoch FROM now())::bigint * 1000 + 60000 + g), 12, '0') || '7000800000000000' ||
                lpad(to_hex(g), 4, '0'))::uuid, ${namespace}, 'bulk', 'SKIP', now(), now()
          FROM generate_series(1, ${WORKFLOW_STATUS_SCAN_LIMIT}) g`;

      const first = await sut.list({ namespace, status: 'CANCELLED', limit: 10 });
      const second = await sut.list({
        namespace,
        status: 'CANCELLED',
        limit: 10,
        cursor: first.nextCursor ?? undefined,
      });
      const jobless = await sut.list({ namespace, status: 'SUCCEEDED', limit: 10 });

      expect(first.items).toEqual([]);
      expect(first.nextCursor).not.toBeNull();
      expect(second.items.map((workflow) => workflow.id)).toEqual([cancelled]);
      expect(second.nextCursor).toBeNull();
      // A workflow without jobs has none that failed: SUCCEEDED, as with every job succeeded.
      expect(jobless.items).toHaveLength(10);
      expect(jobless.nextCursor).not.toBeNull();
    });

    it('should refuse a cursor it did not hand out', async () => {
      await expect(sut.list({ namespace: 'default', limit: 2, cursor: 'garbage' })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });
  });
});

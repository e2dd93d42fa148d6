import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { newId, parseWorkflowSpec } from '@meridian/domain';
import { aJobSpec, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { DependencyRepository } from './dependency.repository.js';
import { ExecutionRepository } from './execution.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';
import { WorkflowRepository } from './workflow.repository.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

const limits = { maxPayloadBytes: 262_144, runAtPastToleranceMs: 60_000 };
const noop = (key: string, dependsOn: string[] = []) => ({ key, name: key, handler: 'noop', dependsOn });

describe(DependencyRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let postgres: Postgres;
  let executions: ExecutionRepository;
  let workflows: WorkflowRepository;
  let sut: DependencyRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 20 });
    db = postgres.prisma;
    executions = new ExecutionRepository(db, postgres.sql);
    workflows = new WorkflowRepository(db, postgres.sql);
    sut = new DependencyRepository(db, postgres.sql);
  }, CLONE_TIMEOUT_MS);

  beforeEach(async () => {
    await db.$executeRaw`TRUNCATE workflows, jobs CASCADE`;
    await db.$executeRaw`TRUNCATE outbox`;
  });

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  async function createWorkflow(jobs: ReturnType<typeof noop>[]) {
    const spec = parseWorkflowSpec({ name: 'w', jobs }, limits, new Date(), () => []);
    const { id } = await workflows.create('default', spec);
    const found = await workflows.find('default', id);
    return Object.fromEntries((found?.jobs ?? []).map((job) => [job.key, job.execution.id]));
  }

  /** Runs an execution to SUCCEEDED the way a worker does. */
  async function succeed(executionId: string) {
    const started = await executions.startAttempt(executionId, 'worker', new Date());
    await executions.finishAttempt(executionId, started?.attempt ?? 0, { status: 'SUCCEEDED', result: 1 }, new Date());
  }

  const statusOf = async (executionId: string) =>
    (await db.execution.findUniqueOrThrow({ where: { id: executionId } })).status;
  const outboxRowsOf = (executionId: string) => db.outbox.count({ where: { executionId } });

  /** Each job's status beside its latest execution's, by key: the one mirrors the other. */
  async function statusesByKey() {
    const rows = await db.$queryRaw<{ key: string; job: string; execution: string }[]>`
      SELECT j.workflow_key AS key, j.status::text AS job, l.status::text AS execution
        FROM jobs j
        JOIN LATERAL (SELECT x.status FROM executions x WHERE x.job_id = j.id ORDER BY x.id DESC LIMIT 1) l ON true`;
    return Object.fromEntries(rows.map((row) => [row.key, [row.job, row.execution]]));
  }

  it("should keep each job's status with its execution's as the graph is created, skipped and retried", async () => {
    const ids = await createWorkflow([noop('a'), noop('b', ['a']), noop('c', ['b'])]);
    expect(await statusesByKey()).toEqual({
      a: ['PENDING', 'PENDING'],
      b: ['BLOCKED', 'BLOCKED'],
      c: ['BLOCKED', 'BLOCKED'],
    });

    const started = await executions.startAttempt(ids.a ?? '', 'worker', new Date());
    const failure = { status: 'DEAD', outcome: 'FAILED', error: { code: 'boom' } } as const;
    await executions.finishAttempt(ids.a ?? '', started?.attempt ?? 0, failure, new Date());
    await sut.settle([ids.a ?? '']);
    expect(await statusesByKey()).toEqual({
      a: ['DEAD', 'DEAD'],
      b: ['SKIPPED', 'SKIPPED'],
      c: ['SKIPPED', 'SKIPPED'],
    });

    await executions.retry('default', ids.a ?? '', new Date());
    expect(await statusesByKey()).toEqual({
      a: ['PENDING', 'PENDING'],
      b: ['BLOCKED', 'BLOCKED'],
      c: ['BLOCKED', 'BLOCKED'],
    });
  });

  it('should release a fan-in job exactly once when its dependencies end at the same instant', async () => {
    for (let round = 0; round < 10; round += 1) {
      const ids = await createWorkflow([noop('a'), noop('b'), noop('c'), noop('join', ['a', 'b', 'c'])]);
      await Promise.all(['a', 'b', 'c'].map((key) => succeed(ids[key] ?? '')));

      const results = await Promise.all(['a', 'b', 'c'].map((key) => sut.settle([ids[key] ?? ''])));

      expect(results.map((result) => result.released).sort()).toEqual([0, 0, 1]);
      expect(await statusOf(ids.join ?? '')).toBe('PENDING');
      expect(await outboxRowsOf(ids.join ?? '')).toBe(1);
    }
  });

  it('should count every parent that ends in one settle: a diamond join settled with both its parents', async () => {
    const ids = await createWorkflow([noop('a'), noop('b', ['a']), noop('c', ['a']), noop('d', ['b', 'c'])]);
    await succeed(ids.a ?? '');
    await sut.settle([ids.a ?? '']);
    await Promise.all([succeed(ids.b ?? ''), succeed(ids.c ?? '')]);

    const result = await sut.settle([ids.b ?? '', ids.c ?? '']);

    expect(result.released).toBe(1);
    expect(await statusOf(ids.d ?? '')).toBe('PENDING');
    expect(await outboxRowsOf(ids.d ?? '')).toBe(1);
  });

  it('should settle the ends of several workflows together, each as it would be alone', async () => {
    const failure = { status: 'DEAD', outcome: 'FAILED', error: { code: 'boom' } } as const;
    const ok = await createWorkflow([noop('a'), noop('b', ['a'])]);
    const failing = await createWorkflow([
      noop('a'),
      { ...noop('b'), dependsOn: [{ key: 'a', onFailure: 'fail_workflow' }] } as unknown as ReturnType<typeof noop>,
      noop('c'),
    ]);
    const skipping = await createWorkflow([noop('a'), noop('b', ['a']), noop('c', ['b'])]);
    await succeed(ok.a ?? '');
    for (const id of [failing.a, skipping.a]) {
      const started = await executions.startAttempt(id ?? '', 'worker', new Date());
      await executions.finishAttempt(id ?? '', started?.attempt ?? 0, failure, new Date());
    }

    const result = await sut.settle([ok.a ?? '', failing.a ?? '', skipping.a ?? '']);

    expect(await statusOf(ok.b ?? '')).toBe('PENDING');
    expect([await statusOf(failing.b ?? ''), await statusOf(failing.c ?? '')]).toEqual(['CANCELLED', 'CANCELLED']);
    expect([await statusOf(skipping.b ?? ''), await statusOf(skipping.c ?? '')]).toEqual(['SKIPPED', 'SKIPPED']);
    expect(result).toMatchObject({ released: 1, skipped: 2 });
    expect(await sut.findUnsettled(10)).toEqual([]);
  });

  it('should count an ended execution once however often it is settled', async () => {
    const ids = await createWorkflow([noop('a'), noop('b'), noop('join', ['a', 'b'])]);
    await succeed(ids.a ?? '');

    await Promise.all([sut.settle([ids.a ?? '']), sut.settle([ids.a ?? '']), sut.settle([ids.a ?? ''])]);

    expect(await statusOf(ids.join ?? '')).toBe('BLOCKED');
    expect((await db.job.findFirstOrThrow({ where: { workflowKey: 'join' } })).dependenciesRemaining).toBe(1);
  });

  it('should find an execution whose settle was lost, and settle it', async () => {
    const ids = await createWorkflow([noop('a'), noop('b', ['a'])]);
    await succeed(ids.a ?? '');

    expect(await sut.findUnsettled(10)).toEqual([ids.a]);
    await sut.settle([ids.a ?? '']);
    expect(await sut.findUnsettled(10)).toEqual([]);
    expect(await statusOf(ids.b ?? '')).toBe('PENDING');
  });

  it('should release a job created alone exactly once when its dependency ends while it is created', async () => {
    for (let round = 0; round < 10; round += 1) {
      const parent = await createWorkflow([noop('parent')]);
      const parentJob = await db.execution.findUniqueOrThrow({ where: { id: parent.parent ?? '' } });
      const childId = newId();
      const child = workflows.createDependentJob({
        jobId: childId,
        executionId: newId(),
        namespace: 'default',
        spec: aJobSpec(),
        dependsOn: [{ jobId: parentJob.jobId, onFailure: 'skip' }],
        idempotencyKey: null,
        requestHash: null,
      });
      const ending = succeed(parent.parent ?? '').then(() => sut.settle([parent.parent ?? '']));
      const [created] = await Promise.all([child, ending]);
      if (created.kind === 'created') {
        for (const executionId of created.unsettled) {
          await sut.settle([executionId]);
        }
      }

      const childRun = await db.execution.findFirstOrThrow({ where: { jobId: childId } });
      expect(childRun.status).toBe('PENDING');
      expect(await outboxRowsOf(childRun.id)).toBe(1);
    }
  });
});

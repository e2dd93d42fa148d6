import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { newId, type OverlapPolicy } from '@meridian/domain';
import { aJobSpec, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { ExecutionRepository } from './execution.repository.js';
import { JobRepository } from './job.repository.js';
import {
  OccurrenceLedgerRepository,
  type RecurringJobState,
  type TickDecision,
} from './occurrence-ledger.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

const t = (iso: string) => new Date(iso);
const FIRST = t('2026-05-01T10:00:00Z');

describe(OccurrenceLedgerRepository.name, () => {
  let database: TestDatabase;
  let db: Database;
  let postgres: Postgres;
  let jobs: JobRepository;
  let executions: ExecutionRepository;
  let outbox: OutboxRepository;
  let sut: OccurrenceLedgerRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 10 });
    db = postgres.prisma;
    jobs = new JobRepository(db, postgres.sql);
    executions = new ExecutionRepository(db, postgres.sql);
    outbox = new OutboxRepository(db, postgres.sql);
    sut = new OccurrenceLedgerRepository(db, postgres.sql);
  }, CLONE_TIMEOUT_MS);

  beforeEach(async () => {
    await db.$executeRaw`TRUNCATE jobs CASCADE`;
    await db.$executeRaw`TRUNCATE outbox`;
  });

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  async function aRecurringJob(overlap: OverlapPolicy = 'skip'): Promise<string> {
    const spec = aJobSpec({ schedule: { every: '1m' }, overlap });
    const job = await jobs.createRecurring({
      jobId: newId(),
      namespace: 'default',
      spec,
      schedule: spec.recurrence?.schedule,
      firstRunAt: FIRST,
      overlap,
      catchUp: { policy: 'skip', windowMs: 60_000, max: 100 },
      idempotencyKey: null,
      requestHash: null,
    });
    await db.$executeRaw`TRUNCATE outbox`;
    return job?.id ?? '';
  }

  /** Relays every outbox row it may, and returns the execution ids handed over, in order. */
  async function relay(): Promise<string[]> {
    const relayed: string[] = [];
    await outbox.relayBatch(100, (items) => {
      relayed.push(...items.map((item) => item.executionId));
      return Promise.resolve();
    });
    return relayed;
  }

  async function finish(executionId: string) {
    const started = await executions.startAttempt(executionId, 'worker-1', new Date());
    await executions.finishAttempt(
      executionId,
      started?.attempt ?? 0,
      { status: 'SUCCEEDED', result: null },
      new Date(),
    );
  }

  const runEveryDue = (at: Date) => (): TickDecision => ({
    occurrences: [{ nominalTime: at, outcome: 'ENQUEUED', runAt: at }],
    cancelInFlight: false,
    nextRunAt: new Date(at.getTime() + 60_000),
  });

  it('should handle a tick once when two scheduler replicas handle it at the same time', async () => {
    const jobId = await aRecurringJob();

    const results = await Promise.all([
      sut.handleTicks([{ jobId, due: FIRST }], FIRST, runEveryDue(FIRST)),
      sut.handleTicks([{ jobId, due: FIRST }], FIRST, runEveryDue(FIRST)),
    ]);

    expect(
      results
        .flat()
        .map((result) => result.kind)
        .sort(),
    ).toEqual(['handled', 'stale']);
    expect(await db.execution.count({ where: { jobId } })).toBe(1);
    expect(await db.occurrence.count({ where: { jobId } })).toBe(1);
  });

  it('should handle the ticks of many jobs in one batch, each as if alone, in the order given', async () => {
    const [one, two, three] = [await aRecurringJob(), await aRecurringJob(), await aRecurringJob()];
    const stale = new Date(FIRST.getTime() - 60_000);
    const gone = newId();

    const results = await sut.handleTicks(
      [
        { jobId: one ?? '', due: FIRST },
        { jobId: two ?? '', due: stale },
        { jobId: three ?? '', due: FIRST },
        { jobId: one ?? '', due: FIRST },
        { jobId: gone, due: FIRST },
      ],
      FIRST,
      runEveryDue(FIRST),
    );

    const next = new Date(FIRST.getTime() + 60_000);
    expect(results).toEqual([
      { kind: 'handled', nextRunAt: next, enqueued: 1, superseded: { queue: 'default', executions: [] } },
      { kind: 'stale', nextRunAt: FIRST },
      { kind: 'handled', nextRunAt: next, enqueued: 1, superseded: { queue: 'default', executions: [] } },
      { kind: 'stale', nextRunAt: next },
      { kind: 'stale', nextRunAt: null },
    ]);
    for (const [jobId, runs] of [
      [one, 1],
      [two, 0],
      [three, 1],
    ] as const) {
      expect(await db.execution.count({ where: { jobId } })).toBe(runs);
      expect(await db.occurrence.count({ where: { jobId } })).toBe(runs);
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      expect([job.nextRunAt, job.occurrenceCount]).toEqual(runs === 1 ? [next, 1] : [FIRST, 0]);
    }
  });

  it('should not count as in flight a queued run lost with Redis, and count it again once it runs', async () => {
    const jobId = await aRecurringJob('skip');
    const triggered = await sut.trigger(jobId, new Date());
    const lost = triggered.kind === 'started' ? triggered.executionId : '';
    await relay();
    const seen: number[] = [];
    const recordInFlight = (job: RecurringJobState): TickDecision => {
      seen.push(job.inFlight.live);
      return runEveryDue(FIRST)();
    };

    await sut.handleTicks([{ jobId, due: FIRST }], FIRST, recordInFlight, { lostRuns: [lost] });
    await executions.startAttempt(lost, 'worker-1', new Date());
    const next = new Date(FIRST.getTime() + 60_000);
    await sut.handleTicks([{ jobId, due: next }], next, recordInFlight, { lostRuns: [lost] });

    expect(seen).toEqual([0, 2]);
  });

  it("should cancel each job's own runs in flight under cancel_previous when their ticks share a batch", async () => {
    const jobs = [await aRecurringJob('cancel_previous'), await aRecurringJob('cancel_previous')];
    const running = await Promise.all(jobs.map((jobId) => sut.trigger(jobId, new Date())));
    const supersede = (): TickDecision => ({ ...runEveryDue(FIRST)(), cancelInFlight: true });

    const results = await sut.handleTicks(
      jobs.map((jobId) => ({ jobId, due: FIRST })),
      FIRST,
      supersede,
    );

    expect(
      results.map((result) => (result.kind === 'handled' ? result.superseded.executions.map((e) => e.id) : null)),
    ).toEqual(running.map((run) => [run.kind === 'started' ? run.executionId : null]));
    expect(await db.execution.count({ where: { jobId: { in: jobs }, status: 'CANCELLED' } })).toBe(2);
    expect(await db.execution.count({ where: { jobId: { in: jobs }, status: 'PENDING' } })).toBe(2);
  });

  it('should hold buffered runs in the outbox until the earlier run ends, then relay them one at a time', async () => {
    const jobId = await aRecurringJob('buffer_all');
    const first = await sut.trigger(jobId, new Date());
    const second = await sut.trigger(jobId, new Date());
    const third = await sut.trigger(jobId, new Date());
    expect([first.kind, second.kind, third.kind]).toEqual(['started', 'buffered', 'buffered']);
    const ids = [first, second, third].map((result) => (result.kind === 'refused' ? '' : result.executionId));

    expect(await relay()).toEqual([ids[0]]);
    expect(await relay()).toEqual([]);
    await finish(ids[0] ?? '');
    expect(await relay()).toEqual([ids[1]]);
    await finish(ids[1] ?? '');
    expect(await relay()).toEqual([ids[2]]);
  });

  it('should refuse a trigger under buffer_one while one run already waits', async () => {
    const jobId = await aRecurringJob('buffer_one');

    const kinds = [];
    for (let i = 0; i < 3; i += 1) {
      kinds.push((await sut.trigger(jobId, new Date())).kind);
    }

    expect(kinds).toEqual(['started', 'buffered', 'refused']);
  });

  it('should cancel the run in flight under cancel_previous, and say why on it', async () => {
    const jobId = await aRecurringJob('cancel_previous');
    const first = await sut.trigger(jobId, new Date());
    const second = await sut.trigger(jobId, new Date());

    expect(second.kind).toBe('started');
    expect(second.kind === 'started' && second.superseded.executions.map((e) => e.id)).toEqual([
      first.kind === 'started' ? first.executionId : null,
    ]);
    const cancelled = await db.execution.findMany({ where: { jobId, status: 'CANCELLED' } });
    expect(cancelled.map((execution) => execution.lastError)).toEqual([
      expect.objectContaining({ code: 'superseded' }) as unknown,
    ]);
  });

  it('should give each occurrence exactly one run when two backfills of a range race', async () => {
    const jobId = await aRecurringJob();
    const times = [0, 1, 2, 3].map((minute) => new Date(FIRST.getTime() - minute * 60_000));
    await db.occurrence.create({ data: { jobId, nominalTime: times[1] as Date, outcome: 'MISSED_DOWNTIME' } });

    const [one, two] = await Promise.all([
      sut.backfill(jobId, times, { mode: 'parallel', dryRun: false }, new Date()),
      sut.backfill(jobId, times, { mode: 'parallel', dryRun: false }, new Date()),
    ]);

    const backfilled = [...(one ?? []), ...(two ?? [])].filter((item) => item.result === 'backfilled');
    expect(backfilled).toHaveLength(4);
    expect(await db.execution.count({ where: { jobId } })).toBe(4);
    const ledger = await db.occurrence.findMany({ where: { jobId }, orderBy: { nominalTime: 'asc' } });
    expect(ledger.map((row) => row.outcome)).toEqual(['BACKFILLED', 'BACKFILLED', 'BACKFILLED', 'BACKFILLED']);
    expect(backfilled.find((item) => item.nominalTime.getTime() === times[1]?.getTime())?.previousOutcome).toBe(
      'MISSED_DOWNTIME',
    );
  });

  const jobStatusOf = async (jobId: string) => (await db.job.findUniqueOrThrow({ where: { id: jobId } })).status;

  it('should set the job PENDING when a parallel backfill starts its runs at once, as a tick or trigger does', async () => {
    const jobId = await aRecurringJob();
    const first = await sut.trigger(jobId, new Date());
    await relay();
    await finish(first.kind === 'started' ? first.executionId : '');
    expect(await jobStatusOf(jobId)).toBe('SUCCEEDED');

    await sut.backfill(jobId, [new Date(FIRST.getTime() - 60_000)], { mode: 'parallel', dryRun: false }, new Date());

    expect(await jobStatusOf(jobId)).toBe('PENDING');
  });

  it("should leave the job's status to the run in flight while a buffered run waits", async () => {
    const jobId = await aRecurringJob('buffer_all');
    const first = await sut.trigger(jobId, new Date());
    await relay();
    await executions.startAttempt(first.kind === 'started' ? first.executionId : '', 'worker-1', new Date());

    expect((await sut.trigger(jobId, new Date())).kind).toBe('buffered');
    await sut.backfill(jobId, [new Date(FIRST.getTime() - 60_000)], { mode: 'sequential', dryRun: false }, new Date());

    expect(await jobStatusOf(jobId)).toBe('RUNNING');
  });

  it('should write nothing in a dry run', async () => {
    const jobId = await aRecurringJob();

    const items = await sut.backfill(jobId, [FIRST], { mode: 'sequential', dryRun: true }, new Date());

    expect(items).toEqual([{ nominalTime: FIRST, result: 'backfilled', previousOutcome: null, executionId: null }]);
    expect(await db.execution.count({ where: { jobId } })).toBe(0);
    expect(await db.occurrence.count({ where: { jobId } })).toBe(0);
  });
});

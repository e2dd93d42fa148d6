import { beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '@meridian/domain';

import { OccurrenceRepository, type RecurringJobState, type TickDecision } from './occurrence.repository.js';
import { FIRST, useRecurringJobFixture } from './recurring-job.fixture.js';

describe(OccurrenceRepository.name, () => {
  const fixture = useRecurringJobFixture();
  const { aRecurringJob, relay } = fixture;
  let sut: OccurrenceRepository;

  beforeAll(() => {
    sut = fixture.occurrences;
  });

  const runEveryDue = (at: Date) => (): TickDecision => ({
    occurrences: [{ nominalTime: at, outcome: 'ENQUEUED', runAt: at }],
    cancelInFlight: false,
    nextRunAt: new Date(at.getTime() + 60_000),
  });

  it('should handle a tick once when two scheduler replicas handle it at the same time', async () => {
    const jobId = await aRecurringJob();

    const results = await Promise.all([
      sut.handleTicks([{ jobId, due: FIRST }], () => FIRST, runEveryDue(FIRST)),
      sut.handleTicks([{ jobId, due: FIRST }], () => FIRST, runEveryDue(FIRST)),
    ]);

    expect(
      results
        .flat()
        .map((result) => result.kind)
        .sort(),
    ).toEqual(['handled', 'stale']);
    expect(await fixture.db.execution.count({ where: { jobId } })).toBe(1);
    expect(await fixture.db.occurrence.count({ where: { jobId } })).toBe(1);
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
      () => FIRST,
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
      expect(await fixture.db.execution.count({ where: { jobId } })).toBe(runs);
      expect(await fixture.db.occurrence.count({ where: { jobId } })).toBe(runs);
      const job = await fixture.db.job.findUniqueOrThrow({ where: { id: jobId } });
      expect([job.nextRunAt, job.occurrenceCount]).toEqual(runs === 1 ? [next, 1] : [FIRST, 0]);
    }
  });

  it('should not count as in flight a queued run lost with Redis, and count it again once it runs', async () => {
    const jobId = await aRecurringJob('skip');
    const triggered = await fixture.recurringJobs.trigger(jobId, new Date());
    const lost = triggered.kind === 'started' ? triggered.executionId : '';
    await relay();
    const seen: number[] = [];
    const recordInFlight = (job: RecurringJobState): TickDecision => {
      seen.push(job.inFlight.live);
      return runEveryDue(FIRST)();
    };

    await sut.handleTicks([{ jobId, due: FIRST }], () => FIRST, recordInFlight, { lostRuns: [lost] });
    await fixture.executions.startAttempt(lost, 'worker-1', new Date());
    const next = new Date(FIRST.getTime() + 60_000);
    await sut.handleTicks([{ jobId, due: next }], () => next, recordInFlight, { lostRuns: [lost] });

    expect(seen).toEqual([0, 2]);
  });

  it("should cancel each job's own runs in flight under cancel_previous when their ticks share a batch", async () => {
    const jobs = [await aRecurringJob('cancel_previous'), await aRecurringJob('cancel_previous')];
    const running = await Promise.all(jobs.map((jobId) => fixture.recurringJobs.trigger(jobId, new Date())));
    const supersede = (): TickDecision => ({ ...runEveryDue(FIRST)(), cancelInFlight: true });

    const results = await sut.handleTicks(
      jobs.map((jobId) => ({ jobId, due: FIRST })),
      () => FIRST,
      supersede,
    );

    expect(
      results.map((result) => (result.kind === 'handled' ? result.superseded.executions.map((e) => e.id) : null)),
    ).toEqual(running.map((run) => [run.kind === 'started' ? run.executionId : null]));
    expect(await fixture.db.execution.count({ where: { jobId: { in: jobs }, status: 'CANCELLED' } })).toBe(2);
    expect(await fixture.db.execution.count({ where: { jobId: { in: jobs }, status: 'PENDING' } })).toBe(2);
  });

  it("should list a job's ledger newest first, a page at a time", async () => {
    const jobId = await aRecurringJob();
    const next = new Date(FIRST.getTime() + 60_000);
    await sut.handleTicks([{ jobId, due: FIRST }], () => FIRST, runEveryDue(FIRST));
    await sut.handleTicks([{ jobId, due: next }], () => next, runEveryDue(next));

    const first = await sut.list(jobId, undefined, 1);
    const second = await sut.list(jobId, first.nextCursor ?? undefined, 1);

    expect([...first.items, ...second.items].map((occurrence) => occurrence.nominalTime)).toEqual([next, FIRST]);
    expect(second.nextCursor).toBeNull();
  });

  it('should record an occurrence at the time its decision took as now, read once the job was locked', async () => {
    const jobId = await aRecurringJob();
    const decidedAt = new Date(FIRST.getTime() + 1_234);
    const nows: Date[] = [];

    await sut.handleTicks(
      [{ jobId, due: FIRST }],
      () => decidedAt,
      (_job, now) => {
        nows.push(now);
        return runEveryDue(FIRST)();
      },
    );

    const { items } = await sut.list(jobId, undefined, 1);
    expect(nows).toEqual([decidedAt]);
    expect(items.map((occurrence) => occurrence.recordedAt)).toEqual([decidedAt]);
  });
});

import { beforeAll, describe, expect, it } from '@jest/globals';

import { FIRST, useRecurringJobFixture } from './recurring-job.fixture.js';
import { RecurringJobRepository } from './recurring-job.repository.js';

describe(RecurringJobRepository.name, () => {
  const fixture = useRecurringJobFixture();
  const { aRecurringJob, relay, finish } = fixture;
  let sut: RecurringJobRepository;

  beforeAll(() => {
    sut = fixture.recurringJobs;
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
    const cancelled = await fixture.db.execution.findMany({ where: { jobId, status: 'CANCELLED' } });
    expect(cancelled.map((execution) => execution.lastError)).toEqual([
      expect.objectContaining({ code: 'superseded' }) as unknown,
    ]);
  });

  it('should give each occurrence exactly one run when two backfills of a range race', async () => {
    const jobId = await aRecurringJob();
    const times = [0, 1, 2, 3].map((minute) => new Date(FIRST.getTime() - minute * 60_000));
    await fixture.db.occurrence.create({ data: { jobId, nominalTime: times[1] as Date, outcome: 'MISSED_DOWNTIME' } });

    const [one, two] = await Promise.all([
      sut.backfill(jobId, times, { mode: 'parallel', dryRun: false }, new Date()),
      sut.backfill(jobId, times, { mode: 'parallel', dryRun: false }, new Date()),
    ]);

    const backfilled = [...(one ?? []), ...(two ?? [])].filter((item) => item.result === 'backfilled');
    expect(backfilled).toHaveLength(4);
    expect(await fixture.db.execution.count({ where: { jobId } })).toBe(4);
    const ledger = await fixture.db.occurrence.findMany({ where: { jobId }, orderBy: { nominalTime: 'asc' } });
    expect(ledger.map((row) => row.outcome)).toEqual(['BACKFILLED', 'BACKFILLED', 'BACKFILLED', 'BACKFILLED']);
    expect(backfilled.find((item) => item.nominalTime.getTime() === times[1]?.getTime())?.previousOutcome).toBe(
      'MISSED_DOWNTIME',
    );
  });

  const jobStatusOf = async (jobId: string) =>
    (await fixture.db.job.findUniqueOrThrow({ where: { id: jobId } })).status;

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
    await fixture.executions.startAttempt(first.kind === 'started' ? first.executionId : '', 'worker-1', new Date());

    expect((await sut.trigger(jobId, new Date())).kind).toBe('buffered');
    await sut.backfill(jobId, [new Date(FIRST.getTime() - 60_000)], { mode: 'sequential', dryRun: false }, new Date());

    expect(await jobStatusOf(jobId)).toBe('RUNNING');
  });

  it('should write nothing in a dry run', async () => {
    const jobId = await aRecurringJob();

    const items = await sut.backfill(jobId, [FIRST], { mode: 'sequential', dryRun: true }, new Date());

    expect(items).toEqual([{ nominalTime: FIRST, result: 'backfilled', previousOutcome: null, executionId: null }]);
    expect(await fixture.db.execution.count({ where: { jobId } })).toBe(0);
    expect(await fixture.db.occurrence.count({ where: { jobId } })).toBe(0);
  });
});

import { describe, expect, it } from '@jest/globals';
import { deleteRedisPrefix, type OccurrenceView, useStack, waitFor } from '@meridian/testing';

type Occurrence = OccurrenceView;

describe('recurring jobs', () => {
  const ctx = useStack({
    apps: ['api', 'scheduler', 'worker'],
    env: { RECONCILE_INTERVAL_MS: '200', RECONCILE_GRACE_MS: '0' },
  });

  const occurrences = (jobId: string) => ctx.api.occurrences(jobId);
  const executions = (jobId: string) => ctx.api.executions(jobId);
  const waitForOccurrences = (jobId: string, count: number) => ctx.api.waitForOccurrences(jobId, count);

  /** Nominal times one second apart, none twice: no duplicate and no gap. */
  function expectConsecutiveSeconds(ledger: Occurrence[]) {
    const times = ledger.map((occurrence) => Date.parse(occurrence.nominalTime));
    expect(new Set(times).size).toBe(times.length);
    times.slice(1).forEach((time, index) => expect(time - (times[index] ?? 0)).toBe(1000));
  }

  async function stopJob(jobId: string) {
    expect((await ctx.api.request('DELETE', `/v1/jobs/${jobId}`)).status).toBe(204);
  }

  it('should run a 1-second cron once per second, with no duplicate across two scheduler replicas', async () => {
    const second = await ctx.stack.start('scheduler');
    // overlap allow: on a loaded machine a run may still be going a second later, and this test is
    // about every occurrence being handled once, not about overlap.
    const job = await ctx.api.createJob({
      name: 'every-second',
      handler: 'noop',
      schedule: { cron: '* * * * * *' },
      overlap: 'allow',
    });
    expect(job.status).toBe('PENDING');

    const ledger = (await waitForOccurrences(job.id, 5)).slice(0, 5);
    await waitFor(async () => {
      const runs = await executions(job.id);
      return runs.filter((run) => run.status === 'SUCCEEDED').length >= 5 ? runs : undefined;
    });
    const runs = await executions(job.id);
    await stopJob(job.id);
    await second.stop();

    expectConsecutiveSeconds(ledger);
    expect(ledger.every((occurrence) => occurrence.outcome === 'ENQUEUED')).toBe(true);
    const runNominals = runs.map((run) => run.nominalTime);
    expect(new Set(runNominals).size).toBe(runs.length);
    for (const occurrence of ledger) {
      expect(runs.filter((run) => run.nominalTime === occurrence.nominalTime)).toHaveLength(1);
    }
    for (const run of runs) {
      // Jitter is 0: a run is due at its nominal time, and never starts before it.
      expect(run.scheduledFor).toBe(run.nominalTime);
      if (run.startedAt !== null) {
        expect(Date.parse(run.startedAt)).toBeGreaterThanOrEqual(Date.parse(run.nominalTime ?? ''));
      }
    }
  }, 40_000);

  it('should show the next run and preview upcoming times with their DST offsets', async () => {
    const job = await ctx.api.createJob({
      name: 'berlin-sunday',
      handler: 'noop',
      schedule: { cron: '30 2 * * 0', timezone: 'Europe/Berlin', startAt: '2027-03-01T00:00:00Z' },
    });

    const fetched = await ctx.api.job(job.id);
    expect(fetched.schedule?.nextRunAt).toBe('2027-03-07T01:30:00.000Z');
    const upcoming = await ctx.api.request<{ timezone: string; items: { local: string }[] }>(
      'GET',
      `/v1/jobs/${job.id}/upcoming?count=5`,
    );

    expect(upcoming.status).toBe(200);
    expect(upcoming.body.timezone).toBe('Europe/Berlin');
    expect(upcoming.body.items.map((item) => item.local)).toEqual([
      '2027-03-07T02:30:00+01:00',
      '2027-03-14T02:30:00+01:00',
      '2027-03-21T02:30:00+01:00',
      '2027-03-28T03:00:00+02:00',
      '2027-04-04T02:30:00+02:00',
    ]);
    await stopJob(job.id);
  });

  it('should skip an occurrence while the previous run is still going (overlap skip)', async () => {
    const job = await ctx.api.createJob({
      name: 'slow-every-second',
      handler: 'sleep',
      payload: { ms: 2200 },
      schedule: { every: '1s' },
      overlap: 'skip',
    });

    const ledger = await waitForOccurrences(job.id, 6);
    await stopJob(job.id);

    expectConsecutiveSeconds(ledger);
    expect(ledger.filter((occurrence) => occurrence.outcome === 'SKIPPED_OVERLAP').length).toBeGreaterThanOrEqual(3);
    expect(ledger[0]?.outcome).toBe('ENQUEUED');
  }, 40_000);

  it('should record the occurrences missed while the scheduler was down, and go on (catch-up skip)', async () => {
    const job = await ctx.api.createJob({
      name: 'survives-downtime',
      handler: 'noop',
      schedule: { every: '1s' },
      catchUp: { policy: 'skip', windowMs: 500 },
    });
    await waitForOccurrences(job.id, 2);

    await ctx.stack.apps.scheduler?.stop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const restarted = await ctx.stack.start('scheduler');
    // Two occurrences handled after the catch-up tick that recorded the missed ones.
    const ledger = await waitFor(
      async () => {
        const current = await occurrences(job.id);
        const caughtUpAt = current.filter((o) => o.outcome === 'MISSED_DOWNTIME').at(-1)?.recordedAt;
        return caughtUpAt !== undefined && current.filter((o) => o.recordedAt > caughtUpAt).length >= 2
          ? current
          : undefined;
      },
      { what: 'two occurrences after the catch-up', timeoutMs: 30_000 },
    );
    await stopJob(job.id);

    expectConsecutiveSeconds(ledger);
    expect(ledger.filter((occurrence) => occurrence.outcome === 'MISSED_DOWNTIME').length).toBeGreaterThanOrEqual(2);
    expect(ledger.slice(-2).map((occurrence) => occurrence.outcome)).toEqual(['ENQUEUED', 'ENQUEUED']);
    ctx.stack.apps.scheduler = restarted;
  }, 40_000);

  it('should heal a Redis flush with no lost and no duplicated occurrence', async () => {
    const job = await ctx.api.createJob({ name: 'survives-flush', handler: 'noop', schedule: { every: '1s' } });
    await waitForOccurrences(job.id, 2);

    await deleteRedisPrefix(ctx.stack.redisPrefix);
    const before = (await occurrences(job.id)).length;
    const ledger = await waitForOccurrences(job.id, before + 3);
    await stopJob(job.id);

    expectConsecutiveSeconds(ledger);
    expect(ledger.every((occurrence) => occurrence.outcome === 'ENQUEUED')).toBe(true);
  }, 40_000);

  it('should record occurrences as paused while paused, and run again once resumed', async () => {
    const job = await ctx.api.createJob({ name: 'pausable', handler: 'noop', schedule: { every: '1s' } });
    await waitForOccurrences(job.id, 2);

    const paused = await ctx.api.request<{ schedule: { state: string; pauseNote: string } }>(
      'POST',
      `/v1/jobs/${job.id}/pause`,
      { note: 'maintenance window' },
    );
    expect(paused.status).toBe(200);
    expect(paused.body.schedule).toMatchObject({ state: 'PAUSED', pauseNote: 'maintenance window' });
    const atPause = (await occurrences(job.id)).length;
    await waitForOccurrences(job.id, atPause + 3);
    const runsWhilePaused = (await executions(job.id)).length;

    const resumed = await ctx.api.request<{ schedule: { state: string } }>('POST', `/v1/jobs/${job.id}/resume`);
    expect(resumed.body.schedule.state).toBe('ACTIVE');
    const atResume = (await occurrences(job.id)).length;
    const ledger = await waitForOccurrences(job.id, atResume + 2);
    await stopJob(job.id);

    expectConsecutiveSeconds(ledger);
    const outcomes = ledger.map((occurrence) => occurrence.outcome);
    expect(outcomes.slice(atPause + 1, atPause + 3)).toEqual(['PAUSED', 'PAUSED']);
    expect(outcomes.at(-1)).toBe('ENQUEUED');
    expect(ledger.filter((occurrence) => occurrence.outcome === 'PAUSED').every((o) => o.executionId === null)).toBe(
      true,
    );
    expect(runsWhilePaused).toBe(ledger.slice(0, atPause + 3).filter((o) => o.outcome === 'ENQUEUED').length);
  }, 40_000);

  it('should resume by itself when a pause has an end', async () => {
    const job = await ctx.api.createJob({ name: 'short-pause', handler: 'noop', schedule: { every: '1s' } });
    await ctx.api.request('POST', `/v1/jobs/${job.id}/pause`, { until: new Date(Date.now() + 1500).toISOString() });

    const ledger = await waitFor(
      async () => {
        const current = await occurrences(job.id);
        return current.some((o) => o.outcome === 'PAUSED') && current.at(-1)?.outcome === 'ENQUEUED'
          ? current
          : undefined;
      },
      { what: 'the pause to end by itself', timeoutMs: 20_000 },
    );
    expect((await ctx.api.job(job.id)).schedule?.state).toBe('ACTIVE');
    await stopJob(job.id);
    expectConsecutiveSeconds(ledger);
  }, 30_000);

  it('should run a recurring job on demand, unless its overlap policy forbids it', async () => {
    const idle = await ctx.api.createJob({ name: 'on-demand', handler: 'noop', schedule: { cron: '0 0 1 1 *' } });
    const triggered = await ctx.api.request<{ executionId: string }>('POST', `/v1/jobs/${idle.id}/trigger`);
    expect(triggered.status).toBe(201);
    await waitFor(async () => {
      const run = await ctx.api.execution(triggered.body.executionId);
      return run.status === 'SUCCEEDED' ? run : undefined;
    });

    const busy = await ctx.api.createJob({
      name: 'busy',
      handler: 'sleep',
      payload: { ms: 5000 },
      schedule: { cron: '0 0 1 1 *' },
      overlap: 'skip',
    });
    const first = await ctx.api.request<{ executionId: string }>('POST', `/v1/jobs/${busy.id}/trigger`);
    expect(first.status).toBe(201);
    const second = await ctx.api.request<{ code: string }>('POST', `/v1/jobs/${busy.id}/trigger`);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('overlap_forbids_run');
    await stopJob(idle.id);
    await stopJob(busy.id);
  }, 30_000);

  it('should take a changed schedule and payload from the next occurrence, with no duplicate and no gap', async () => {
    const job = await ctx.api.createJob({
      name: 'changes',
      handler: 'noop',
      payload: { version: 1 },
      schedule: { every: '1s' },
    });
    await waitForOccurrences(job.id, 2);

    const patched = await ctx.api.request<{ payload: unknown; schedule: { definition: unknown } }>(
      'PATCH',
      `/v1/jobs/${job.id}`,
      { payload: { version: 2 }, schedule: { every: '2s' } },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.payload).toEqual({ version: 2 });
    expect(patched.body.schedule.definition).toEqual({ every: '2s' });
    const atChange = (await occurrences(job.id)).length;
    const ledger = await waitForOccurrences(job.id, atChange + 2);
    const runs = await waitFor(async () => {
      const all = await executions(job.id);
      return all.filter((run) => run.status === 'SUCCEEDED').length >= ledger.length ? all : undefined;
    });
    await stopJob(job.id);

    const times = ledger.map((occurrence) => Date.parse(occurrence.nominalTime));
    expect(new Set(times).size).toBe(times.length);
    const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(gaps.every((gap) => gap === 1000 || gap === 2000)).toBe(true);
    expect(gaps.slice(atChange)).toEqual(gaps.slice(atChange).map(() => 2000));
    expect(times.slice(atChange).every((time) => time % 2000 === 0)).toBe(true);
    const latest = runs.find((run) => run.nominalTime === ledger.at(-1)?.nominalTime);
    expect(latest?.result).toEqual({ ok: true, echo: { version: 2 } });
  }, 40_000);

  it('should refuse an invalid change and leave the job as it was', async () => {
    const job = await ctx.api.createJob({
      name: 'unchanged',
      handler: 'sleep',
      payload: { ms: 1 },
      schedule: { every: '1h' },
    });

    for (const body of [{ schedule: { cron: 'not a cron' } }, { payload: { ms: -1 } }, { handler: 'noop' }]) {
      const refused = await ctx.api.request('PATCH', `/v1/jobs/${job.id}`, body);
      expect(refused.status).toBe(400);
    }
    const oneOff = await ctx.api.createJob({ name: 'one-off', handler: 'noop', delayMs: 60_000 });
    expect((await ctx.api.request('PATCH', `/v1/jobs/${oneOff.id}`, { name: 'renamed' })).status).toBe(409);

    const after = await ctx.api.job(job.id);
    expect(after.payload).toEqual({ ms: 1, fail: false });
    await stopJob(job.id);
  });

  it.each([
    ['an invalid cron', { cron: '61 * * * *' }, 'schedule.cron'],
    ['an unknown zone', { cron: '0 9 * * *', timezone: 'Europe/Atlantis' }, 'schedule.timezone'],
    ['no schedule kind', { startAt: '2030-01-01T00:00:00Z' }, 'schedule.cron'],
    ['an unreadable interval', { every: 'sometimes' }, 'schedule.every'],
    ['an interval beyond any date', { every: '99999999999d' }, 'schedule.every'],
  ])('should refuse %s with a 400 naming the field', async (_case, schedule, field) => {
    const response = await ctx.api.request<{ code: string; errors: { path: string }[] }>('POST', '/v1/jobs', {
      name: 'bad-schedule',
      handler: 'noop',
      schedule,
    });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((error) => error.path)).toContain(field);
  });

  it('should refuse schedule policies on a one-off job and an upcoming preview of one', async () => {
    const policies = await ctx.api.request<{ code: string }>('POST', '/v1/jobs', {
      name: 'one-off',
      handler: 'noop',
      overlap: 'allow',
    });
    expect(policies.status).toBe(400);

    const oneOff = await ctx.api.createJob({ name: 'one-off', handler: 'noop' });
    const upcoming = await ctx.api.request<{ code: string }>('GET', `/v1/jobs/${oneOff.id}/upcoming`);
    expect(upcoming.status).toBe(409);
    expect(upcoming.body.code).toBe('job_not_recurring');
  });
});

import { describe, expect, it } from '@jest/globals';
import { type ExecutionView, type OccurrenceView, useStack, waitFor } from '@meridian/testing';

const ENDED = ['SUCCEEDED', 'DEAD', 'CANCELLED'];

/** [start, end] of each run that started, by its first attempt, in start order. */
function intervals(runs: ExecutionView[]): [number, number][] {
  return runs
    .filter((run) => run.startedAt !== null)
    .map((run): [number, number] => [Date.parse(run.startedAt ?? ''), Date.parse(run.finishedAt ?? '') || Infinity])
    .sort((a, b) => a[0] - b[0]);
}

/** Whether any run started before the one before it had ended. */
function overlapping(runs: ExecutionView[]): boolean {
  const sorted = intervals(runs);
  return sorted.slice(1).some(([start], index) => start < (sorted[index]?.[1] ?? 0));
}

describe('recurring job policies', () => {
  const ctx = useStack({
    apps: ['api', 'scheduler', 'worker'],
    env: { RECONCILE_INTERVAL_MS: '200', RECONCILE_GRACE_MS: '0' },
  });

  async function stopJob(jobId: string) {
    expect((await ctx.api.request('DELETE', `/v1/jobs/${jobId}`)).status).toBe(204);
  }

  /** Pauses the job, then waits until none of its runs is left to end. */
  async function settle(jobId: string): Promise<{ ledger: OccurrenceView[]; runs: ExecutionView[] }> {
    expect((await ctx.api.request('POST', `/v1/jobs/${jobId}/pause`)).status).toBe(200);
    const runs = await waitFor(
      async () => {
        const all = await ctx.api.executions(jobId);
        return all.every((run) => ENDED.includes(run.status)) ? all : undefined;
      },
      { what: `every run of ${jobId} to end`, timeoutMs: 40_000 },
    );
    const ledger = (await ctx.api.occurrences(jobId)).filter((occurrence) => occurrence.outcome !== 'PAUSED');
    return { ledger, runs };
  }

  describe('overlap, every second with a handler that takes 1.5 s', () => {
    const slow = (overlap: string) =>
      ctx.api.createJob({
        name: `overlap-${overlap}`,
        handler: 'sleep',
        payload: { ms: 1500 },
        schedule: { every: '1s' },
        overlap,
      });

    async function observe(overlap: string) {
      const job = await slow(overlap);
      await ctx.api.waitForOccurrences(job.id, 6);
      const settled = await settle(job.id);
      await stopJob(job.id);
      const outcomes = settled.ledger.map((occurrence) => occurrence.outcome);
      const runOf = (occurrence: OccurrenceView) => settled.runs.find((run) => run.id === occurrence.executionId);
      return { ...settled, outcomes, runOf };
    }

    it('skip: an occurrence while a run is going is skipped, and runs never overlap', async () => {
      const { outcomes, runs, ledger, runOf } = await observe('skip');

      expect(outcomes).toContain('SKIPPED_OVERLAP');
      expect(outcomes).not.toContain('BUFFERED');
      expect(overlapping(runs)).toBe(false);
      expect(ledger.filter((o) => o.outcome === 'ENQUEUED').every((o) => runOf(o)?.status === 'SUCCEEDED')).toBe(true);
    }, 60_000);

    it('buffer_one: one occurrence waits for the run going and runs after it, the others are skipped', async () => {
      const { outcomes, runs, ledger, runOf } = await observe('buffer_one');

      expect(outcomes).toContain('BUFFERED');
      expect(outcomes).toContain('SKIPPED_OVERLAP');
      expect(overlapping(runs)).toBe(false);
      for (const occurrence of ledger.filter((o) => o.outcome === 'BUFFERED' || o.outcome === 'ENQUEUED')) {
        expect(runOf(occurrence)?.status).toBe('SUCCEEDED');
      }
      expect(ledger.filter((o) => o.outcome === 'SKIPPED_OVERLAP').every((o) => o.executionId === null)).toBe(true);
    }, 60_000);

    it('buffer_all: every occurrence runs, one after another, in nominal order', async () => {
      const { outcomes, runs, ledger, runOf } = await observe('buffer_all');

      expect(outcomes).not.toContain('SKIPPED_OVERLAP');
      expect(outcomes.filter((outcome) => outcome === 'BUFFERED').length).toBeGreaterThanOrEqual(2);
      expect(ledger.every((occurrence) => runOf(occurrence)?.status === 'SUCCEEDED')).toBe(true);
      expect(overlapping(runs)).toBe(false);
      const startOrder = [...runs]
        .sort((a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''))
        .map((run) => run.nominalTime);
      expect(startOrder).toEqual(ledger.map((occurrence) => occurrence.nominalTime));
    }, 60_000);

    it('cancel_previous: each occurrence cancels the run still going and starts at once', async () => {
      const { outcomes, runs, ledger, runOf } = await observe('cancel_previous');

      expect(outcomes.every((outcome) => outcome === 'ENQUEUED')).toBe(true);
      const cancelled = runs.filter((run) => run.status === 'CANCELLED');
      expect(cancelled.length).toBeGreaterThanOrEqual(3);
      for (const run of cancelled) {
        expect(run.lastError).toMatchObject({ code: 'superseded' });
      }
      // Every occurrence but the last was superseded by the next one, one second later.
      for (const occurrence of ledger.slice(0, -1)) {
        expect(runOf(occurrence)?.status).toBe('CANCELLED');
      }
    }, 60_000);

    it('allow: runs go alongside each other', async () => {
      const { outcomes, runs } = await observe('allow');

      expect(outcomes.every((outcome) => outcome === 'ENQUEUED')).toBe(true);
      expect(runs.every((run) => run.status === 'SUCCEEDED')).toBe(true);
      expect(overlapping(runs)).toBe(true);
    }, 60_000);
  });

  describe('trigger', () => {
    const busyJob = (overlap: string) =>
      ctx.api.createJob({
        name: `trigger-${overlap}`,
        handler: 'sleep',
        payload: { ms: 3000 },
        schedule: { cron: '0 0 1 1 *' },
        overlap,
      });
    const trigger = (jobId: string) =>
      ctx.api.request<{ executionId: string; buffered: boolean; cancelled: string[]; code?: string }>(
        'POST',
        `/v1/jobs/${jobId}/trigger`,
      );

    it('buffer_one: a second run waits for the first, a third is refused', async () => {
      const job = await busyJob('buffer_one');
      const first = await trigger(job.id);
      const second = await trigger(job.id);
      const third = await trigger(job.id);

      expect(first.status).toBe(201);
      expect(first.body.buffered).toBe(false);
      expect(second.status).toBe(201);
      expect(second.body.buffered).toBe(true);
      expect(third.status).toBe(409);
      expect(third.body.code).toBe('overlap_forbids_run');
      const waiting = await ctx.api.execution(second.body.executionId);
      expect(waiting.status).toBe('PENDING');
      await stopJob(job.id);
    }, 30_000);

    it('cancel_previous: a second run cancels the first', async () => {
      const job = await busyJob('cancel_previous');
      const first = await trigger(job.id);
      await waitFor(async () => {
        const run = await ctx.api.execution(first.body.executionId);
        return run.status === 'RUNNING' ? run : undefined;
      });
      const second = await trigger(job.id);

      expect(second.status).toBe(201);
      expect(second.body.cancelled).toEqual([first.body.executionId]);
      const cancelled = await waitFor(async () => {
        const run = await ctx.api.execution(first.body.executionId);
        return run.attempts?.[0]?.outcome === 'CANCELLED' ? run : undefined;
      });
      expect(cancelled.status).toBe('CANCELLED');
      await stopJob(job.id);
    }, 30_000);
  });

  describe('catch-up after the scheduler was down', () => {
    const windowMs = 500;
    const isMissed = (occurrence: OccurrenceView) =>
      Date.parse(occurrence.recordedAt) - Date.parse(occurrence.nominalTime) > windowMs;

    it('latest runs only the most recent missed occurrence; all runs the most recent `max` of them', async () => {
      const latest = await ctx.api.createJob({
        name: 'catch-up-latest',
        handler: 'noop',
        schedule: { every: '1s' },
        catchUp: { policy: 'latest', windowMs },
      });
      const all = await ctx.api.createJob({
        name: 'catch-up-all',
        handler: 'noop',
        schedule: { every: '1s' },
        catchUp: { policy: 'all', windowMs, max: 2 },
        // Catch-up runs obey the overlap policy: under the default, skip, the second would be skipped.
        overlap: 'buffer_all',
      });
      await ctx.api.waitForOccurrences(latest.id, 2);
      await ctx.api.waitForOccurrences(all.id, 2);

      await ctx.stack.apps.scheduler?.stop();
      const stoppedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const restarted = await ctx.stack.start('scheduler');
      ctx.stack.apps.scheduler = restarted;

      /** The occurrences the first tick after the restart handled: the missed ones, maybe one on time. */
      async function catchUpBatch(jobId: string): Promise<OccurrenceView[]> {
        const ledger = await waitFor(
          async () => {
            const current = await ctx.api.occurrences(jobId);
            const afterStop = current.filter((o) => Date.parse(o.nominalTime) > stoppedAt);
            return afterStop.length >= 6 ? afterStop : undefined;
          },
          { what: `the catch-up of ${jobId}`, timeoutMs: 30_000 },
        );
        return ledger.filter((occurrence) => occurrence.recordedAt === ledger[0]?.recordedAt);
      }
      const latestBatch = await catchUpBatch(latest.id);
      const allBatch = await catchUpBatch(all.id);
      await stopJob(latest.id);
      await stopJob(all.id);

      const latestMissed = latestBatch.filter(isMissed);
      expect(latestMissed.length).toBeGreaterThanOrEqual(3);
      const onTime = latestBatch.length > latestMissed.length;
      expect(latestMissed.map((o) => o.outcome)).toEqual(
        latestMissed.map((_, index) => (!onTime && index === latestMissed.length - 1 ? 'ENQUEUED' : 'MISSED_DOWNTIME')),
      );

      const allMissed = allBatch.filter(isMissed);
      expect(allMissed.length).toBeGreaterThanOrEqual(3);
      expect(allMissed.map((o) => o.outcome)).toEqual(
        allMissed.map((_, index) =>
          index < allMissed.length - 2 ? 'MISSED_DOWNTIME' : index === allMissed.length - 2 ? 'ENQUEUED' : 'BUFFERED',
        ),
      );
      expect(allBatch.filter((o) => !isMissed(o)).every((o) => o.outcome === 'BUFFERED')).toBe(true);
    }, 60_000);
  });

  describe('backfill', () => {
    const hourly = () =>
      ctx.api.createJob({
        name: 'hourly-report',
        handler: 'noop',
        payload: { report: 'sales' },
        schedule: { every: '1h' },
      });
    const backfill = (jobId: string, body: unknown) =>
      ctx.api.request<{
        dryRun: boolean;
        backfilled: number;
        deduplicated: number;
        items: { nominalTime: string; result: string; previousOutcome: string | null; executionId: string | null }[];
        code?: string;
        errors?: { path: string }[];
      }>('POST', `/v1/jobs/${jobId}/backfill`, body);
    const hoursAgo = (hours: number) => {
      const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      return new Date(hour - hours * 3_600_000).toISOString();
    };

    it('should list the occurrences of a past range in a dry run, and write nothing', async () => {
      const job = await hourly();
      const dry = await backfill(job.id, { from: hoursAgo(4), to: hoursAgo(1), dryRun: true });

      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ dryRun: true, backfilled: 4, deduplicated: 0 });
      expect(dry.body.items.map((item) => item.nominalTime)).toEqual([4, 3, 2, 1].map(hoursAgo));
      expect(dry.body.items.every((item) => item.executionId === null && item.previousOutcome === null)).toBe(true);
      expect(await ctx.api.occurrences(job.id)).toEqual([]);
      expect(await ctx.api.executions(job.id)).toEqual([]);
      await stopJob(job.id);
    });

    it('should run each occurrence once, one after another, and deduplicate a second backfill', async () => {
      const job = await hourly();
      const done = await backfill(job.id, { from: hoursAgo(3), to: hoursAgo(1) });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ dryRun: false, backfilled: 3, deduplicated: 0 });

      const runs = await waitFor(async () => {
        const all = await ctx.api.executions(job.id);
        return all.length === 3 && all.every((run) => run.status === 'SUCCEEDED') ? all : undefined;
      });
      const ledger = await ctx.api.occurrences(job.id);
      expect(ledger.map((o) => [o.nominalTime, o.outcome])).toEqual([3, 2, 1].map((h) => [hoursAgo(h), 'BACKFILLED']));
      expect(new Set(runs.map((run) => run.nominalTime))).toEqual(new Set([3, 2, 1].map(hoursAgo)));
      expect(overlapping(runs)).toBe(false);

      const again = await backfill(job.id, { from: hoursAgo(4), to: hoursAgo(1) });
      expect(again.body).toMatchObject({ backfilled: 1, deduplicated: 3 });
      expect(again.body.items.filter((item) => item.result === 'deduplicated').map((item) => item.executionId)).toEqual(
        ledger.map((o) => o.executionId),
      );
      await waitFor(async () => ((await ctx.api.executions(job.id)).length === 4 ? true : undefined));
      await stopJob(job.id);
    }, 30_000);

    it('should run occurrences that were paused, and leave the ones that ran', async () => {
      const job = await ctx.api.createJob({
        name: 'paused-then-backfilled',
        handler: 'noop',
        schedule: { every: '1s' },
      });
      await ctx.api.waitForOccurrences(job.id, 2);
      await ctx.api.request('POST', `/v1/jobs/${job.id}/pause`);
      const before = await waitFor(async () => {
        const ledger = await ctx.api.occurrences(job.id);
        return ledger.filter((o) => o.outcome === 'PAUSED').length >= 2 ? ledger : undefined;
      });
      const done = await backfill(job.id, { from: before[0]?.nominalTime, to: before.at(-1)?.nominalTime });
      await stopJob(job.id);

      expect(done.status).toBe(200);
      for (const [index, item] of done.body.items.entries()) {
        const was = before[index];
        expect(item.nominalTime).toBe(was?.nominalTime);
        expect(item.previousOutcome).toBe(was?.outcome);
        expect(item.result).toBe(was?.outcome === 'PAUSED' ? 'backfilled' : 'deduplicated');
      }
    }, 30_000);

    it.each<[string, (jobId: string) => unknown, number, string]>([
      [
        'a range in the future',
        () => ({ from: hoursAgo(1), to: new Date(Date.now() + 7_200_000).toISOString() }),
        400,
        'to',
      ],
      ['a range that ends before it starts', () => ({ from: hoursAgo(1), to: hoursAgo(2) }), 400, 'to'],
      ['a range of more than 1000 occurrences', () => ({ from: hoursAgo(1100), to: hoursAgo(1) }), 400, 'to'],
      ['a missing bound', () => ({ from: hoursAgo(2) }), 400, 'to'],
      ['an unknown field', () => ({ from: hoursAgo(2), to: hoursAgo(1), force: true }), 400, 'force'],
    ])('should refuse %s, and write nothing', async (_case, body, status, path) => {
      const job = await hourly();
      const refused = await backfill(job.id, body(job.id));

      expect(refused.status).toBe(status);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors?.map((error) => error.path)).toContain(path);
      expect(await ctx.api.occurrences(job.id)).toEqual([]);
      await stopJob(job.id);
    });

    it('should answer 409 for a one-off job and 404 for an unknown one', async () => {
      const oneOff = await ctx.api.createJob({ name: 'one-off', handler: 'noop', delayMs: 60_000 });
      const range = { from: hoursAgo(2), to: hoursAgo(1) };

      expect((await backfill(oneOff.id, range)).body.code).toBe('job_not_recurring');
      expect((await backfill('01900000-0000-7000-8000-000000000000', range)).status).toBe(404);
    });
  });
});

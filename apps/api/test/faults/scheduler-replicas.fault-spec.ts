import { describe, expect, it, jest } from '@jest/globals';
import { expectCleanHistory, type OccurrenceView, useStack, waitFor } from '@meridian/testing';

import { report } from './fault-support.js';

jest.setTimeout(120_000);

/** How long the surviving replica is watched after the kill. */
const WATCH_MS = 20_000;

/**
 * Two scheduler replicas share the schedule ticks (BullMQ hands each to one of them). One is killed
 * with -9: the ticks it held come back once their lock expires and the survivor handles them, late
 * but well inside the default catch-up window (60 s), so every nominal occurrence still runs, once.
 */
describe('two scheduler replicas, one killed', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });

  /** Nominal times `stepMs` apart from the first to the last, none twice: no duplicate and no gap. */
  function gapsAndDuplicates(ledger: OccurrenceView[], stepMs: number) {
    const times = ledger.map((occurrence) => Date.parse(occurrence.nominalTime));
    const steps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    return { duplicates: times.length - new Set(times).size, gaps: steps.filter((step) => step !== stepMs).length };
  }

  it('should go on ticking every recurring job, one execution per occurrence', async () => {
    const victim = ctx.stack.apps.scheduler;
    if (victim === undefined) {
      throw new Error('the stack has no scheduler');
    }
    // overlap allow: this is about every occurrence being handled once, not about overlap.
    const jobs = await Promise.all(
      [
        { name: 'every-second', every: '1s', stepMs: 1000 },
        { name: 'every-two-seconds', every: '2s', stepMs: 2000 },
      ].map(async ({ name, every, stepMs }) => ({
        stepMs,
        job: await ctx.api.createJob({ name, handler: 'noop', schedule: { every }, overlap: 'allow' }),
      })),
    );
    await ctx.api.waitForOccurrences(jobs[0]!.job.id, 3);
    // The victim has held every tick so far, each from a second before its instant: killed as soon
    // as the survivor is up, it most likely dies holding some.
    const survivor = await ctx.stack.start('scheduler');

    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    const ledgers = await Promise.all(
      jobs.map(({ job }) =>
        waitFor(
          async () => {
            const ledger = await ctx.api.occurrences(job.id);
            const last = ledger.at(-1);
            return last !== undefined && Date.parse(last.nominalTime) >= killedAt + WATCH_MS ? ledger : undefined;
          },
          { timeoutMs: WATCH_MS + 40_000, what: `${job.name} to tick on after the kill` },
        ),
      ),
    );
    // Paused, not deleted: a delete takes the job's history with it, which the checker reads.
    await Promise.all(jobs.map(({ job }) => ctx.api.request('POST', `/v1/jobs/${job.id}/pause`)));

    const figures = jobs.map(({ job, stepMs }, index) => {
      const ledger = ledgers[index] ?? [];
      const afterKill = ledger.filter((occurrence) => Date.parse(occurrence.nominalTime) >= killedAt - stepMs);
      const lateness = afterKill.map((o) => (Date.parse(o.recordedAt) - Date.parse(o.nominalTime)) / 1000);
      return {
        job: job.name,
        occurrences: ledger.length,
        outcomes: [...new Set(ledger.map((occurrence) => occurrence.outcome))],
        ...gapsAndDuplicates(ledger, stepMs),
        worstLatenessAfterKillSeconds: Math.max(0, ...lateness),
      };
    });
    const history = await expectCleanHistory(ctx.stack.database.url, { acknowledgedJobIds: jobs.map((j) => j.job.id) });
    report('scheduler replica kill -9', { figures, counts: history.counts });

    expect(survivor.child.exitCode).toBeNull();
    for (const figure of figures) {
      expect(figure).toMatchObject({ duplicates: 0, gaps: 0, outcomes: ['ENQUEUED'] });
      // Recovered before the catch-up window (60 s) would have recorded anything as missed.
      expect(figure.worstLatenessAfterKillSeconds).toBeLessThan(60);
    }
  });
});

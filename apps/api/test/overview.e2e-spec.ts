import { describe, expect, it } from '@jest/globals';
import { type JobView, type OverviewView, useStack, waitFor } from '@meridian/testing';

import { expectProblem } from './support.js';

/** Far enough ahead that the job stays queued for the whole test. */
const AN_HOUR = 3_600_000;

describe('overview', () => {
  // A stack of its own: the namespace's history is this file's jobs only, so counts are exact.
  const ctx = useStack();

  /** The overview once its totals show at least `ended` ended executions. */
  async function overviewOnce(ended: number, windowMinutes?: number): Promise<OverviewView> {
    return waitFor(
      async () => {
        const overview = await ctx.api.overview(windowMinutes);
        const { totals } = overview.throughput;
        return totals.succeeded + totals.dead + totals.cancelled >= ended ? overview : undefined;
      },
      { what: `the overview to show ${ended} ended executions` },
    );
  }

  it('should count what ended and failed, measure lateness, and show the queues, their workers and the outbox', async () => {
    const jobs: JobView[] = [
      await ctx.api.createJob({ name: 'fine', handler: 'noop' }),
      await ctx.api.createJob({
        name: 'flaky-to-the-end',
        handler: 'sleep',
        payload: { ms: 1, fail: true },
        retry: { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 50 } },
      }),
      await ctx.api.createJob({
        name: 'too-slow',
        handler: 'sleep',
        payload: { ms: 10_000 },
        timeoutMs: 200,
        retry: { maxAttempts: 1 },
      }),
    ];
    const later = await ctx.api.createJob({ name: 'later', handler: 'noop', delayMs: AN_HOUR });
    await ctx.api.waitForExecution(jobs[0] as JobView, 'SUCCEEDED');
    await ctx.api.waitForExecution(jobs[1] as JobView, 'DEAD');
    await ctx.api.waitForExecution(jobs[2] as JobView, 'DEAD');
    await ctx.api.waitForExecution(later, 'QUEUED');
    expect((await ctx.api.request('POST', `/v1/jobs/${later.id}/cancel`)).status).toBe(200);

    const overview = await overviewOnce(4);

    expect(overview.throughput.totals).toEqual({
      succeeded: 1,
      dead: 2,
      cancelled: 1,
      failedAttempts: 3,
      timedOutAttempts: 1,
    });
    // One bucket a minute over the hour, adding up to the totals; the last is the one now is in.
    const { buckets } = overview.throughput;
    expect(buckets).toHaveLength(60);
    expect(overview.window.bucketSeconds).toBe(60);
    expect(buckets[0]?.start).toBe(overview.window.from);
    const sum = (field: 'succeeded' | 'dead' | 'failedAttempts') =>
      buckets.reduce((total, bucket) => total + bucket[field], 0);
    expect([sum('succeeded'), sum('dead'), sum('failedAttempts')]).toEqual([1, 2, 3]);
    const generatedAt = Date.parse(overview.generatedAt);
    expect(Date.parse(buckets.at(-1)?.start ?? '')).toBeLessThanOrEqual(generatedAt);
    expect(Date.parse(overview.window.to)).toBeGreaterThan(generatedAt);
    // Three executions started an attempt; the cancelled one never did.
    expect(overview.lateness.measured).toBe(3);
    const { p50Ms, p99Ms, maxMs } = overview.lateness;
    expect(p50Ms).toEqual(expect.any(Number));
    expect(p50Ms ?? 0).toBeLessThanOrEqual(p99Ms ?? 0);
    expect(p99Ms ?? 0).toBeLessThanOrEqual(maxMs ?? 0);
    expect(maxMs ?? Infinity).toBeLessThan(10_000);
    // The stack's worker takes from the default queue, where nothing waits now.
    expect(overview.queues).toEqual([
      { name: 'default', waiting: 0, prioritized: 0, delayed: 0, active: 0, workers: expect.any(Number) },
    ]);
    expect(overview.queues[0]?.workers).toBeGreaterThanOrEqual(1);
    expect(overview.outbox).toEqual({ rows: expect.any(Number), oldestAgeSeconds: expect.any(Number) });
    expect(overview.outbox.rows).toBeGreaterThanOrEqual(0);
  });

  it('should cut a day into 60 buckets', async () => {
    const overview = await overviewOnce(4, 1440);

    expect(overview.window.bucketSeconds).toBe(1440);
    expect(overview.throughput.buckets).toHaveLength(60);
    expect(Date.parse(overview.window.to) - Date.parse(overview.window.from)).toBe(86_400_000);
    expect(overview.throughput.totals).toMatchObject({ succeeded: 1, dead: 2, cancelled: 1 });
  });

  it("should show a namespace only its own executions, and the cluster's queues", async () => {
    const created = await ctx.api.request<{ key: string }>('POST', '/v1/keys', {
      name: 'elsewhere',
      namespace: 'elsewhere',
      scopes: ['jobs:read'],
    });
    expect(created.status).toBe(201);

    const theirs = await ctx.api.as(created.body.key).overview();

    expect(theirs.throughput.totals).toEqual({
      succeeded: 0,
      dead: 0,
      cancelled: 0,
      failedAttempts: 0,
      timedOutAttempts: 0,
    });
    expect(theirs.lateness).toEqual({ measured: 0, p50Ms: null, p99Ms: null, maxMs: null });
    expect(theirs.queues.map((queue) => queue.name)).toEqual(['default']);
  });

  it.each(['4', '1441', '7.5', 'an-hour'])('should refuse windowMinutes=%s with a 400 naming it', async (value) => {
    const refused = expectProblem(
      await ctx.api.request('GET', `/v1/overview?windowMinutes=${value}`),
      400,
      'validation_failed',
    );

    expect(refused.errors?.map((issue) => issue.path)).toEqual(['query.windowMinutes']);
  });

  it('should need a key', async () => {
    expectProblem(await ctx.api.as(undefined).request('GET', '/v1/overview'), 401, 'unauthorized');
  });
});

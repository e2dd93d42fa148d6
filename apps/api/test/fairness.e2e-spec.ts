import { describe, expect, it } from '@jest/globals';
import { type ExecutionView, useStack } from '@meridian/testing';

describe('namespace limits', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });

  async function keyOf(namespace: string): Promise<string> {
    const created = await ctx.api.request<{ key: string }>('POST', '/v1/keys', {
      name: `${namespace}-admin`,
      namespace,
      scopes: ['admin'],
    });
    return created.body.key;
  }

  it("should let only operators read and set a namespace's limits", async () => {
    const tenant = ctx.api.as(await keyOf('tenant'));

    expect((await tenant.request('GET', '/v1/namespaces/tenant/limits')).status).toBe(403);
    expect(
      (await tenant.request('PUT', '/v1/namespaces/tenant/limits', { maxConcurrency: 1000, maxRunsPerMinute: null }))
        .status,
    ).toBe(403);
    const set = await ctx.api.request<{ own: object; effective: object }>('PUT', '/v1/namespaces/tenant/limits', {
      maxConcurrency: 3,
      maxRunsPerMinute: null,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      own: { maxConcurrency: 3, maxRunsPerMinute: null },
      effective: { maxConcurrency: 3 },
    });
    const invalid = await ctx.api.request('PUT', '/v1/namespaces/tenant/limits', { maxConcurrency: 0 });
    expect(invalid.status).toBe(400);
  });

  it('should hold a noisy namespace to its concurrency while another namespace runs at once', async () => {
    await ctx.api.request('PUT', '/v1/namespaces/noisy/limits', { maxConcurrency: 1, maxRunsPerMinute: null });
    const noisy = ctx.api.as(await keyOf('noisy'));
    const quiet = ctx.api.as(await keyOf('quiet'));

    const backlog = [];
    for (let i = 0; i < 4; i += 1) {
      backlog.push(await noisy.createJob({ name: `noisy-${i}`, handler: 'sleep', payload: { ms: 500 } }));
    }
    const prompt = await quiet.createJob({ name: 'quiet', handler: 'noop' });
    const quietRun = await quiet.waitForExecution(prompt, 'SUCCEEDED');

    const runs: ExecutionView[] = [];
    for (const job of backlog) {
      runs.push(await noisy.waitForExecution(job, 'SUCCEEDED', 30_000));
    }
    const intervals = runs
      .map((run) => [Date.parse(run.startedAt ?? ''), Date.parse(run.finishedAt ?? '')] as const)
      .sort((a, b) => a[0] - b[0]);
    // One at a time: each noisy run started after the one before had ended.
    intervals.slice(1).forEach(([start], index) => expect(start).toBeGreaterThanOrEqual(intervals[index]?.[1] ?? 0));
    // Waiting for a place spends no attempt.
    expect(runs.map((run) => run.attempts?.length)).toEqual([1, 1, 1, 1]);
    // The quiet namespace did not wait for the noisy backlog.
    expect(Date.parse(quietRun.finishedAt ?? '')).toBeLessThan(Math.max(...intervals.map(([, end]) => end)));
  }, 40_000);

  it('should be unlimited for a namespace without limits', async () => {
    const free = ctx.api.as(await keyOf('free'));
    const jobs = [];
    for (let i = 0; i < 3; i += 1) {
      jobs.push(await free.createJob({ name: `free-${i}`, handler: 'sleep', payload: { ms: 600 } }));
    }
    const runs = await Promise.all(jobs.map((job) => free.waitForExecution(job, 'SUCCEEDED')));
    const starts = runs.map((run) => Date.parse(run.startedAt ?? ''));
    const ends = runs.map((run) => Date.parse(run.finishedAt ?? ''));
    // Side by side: the last one started before the first one ended.
    expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
  });
});

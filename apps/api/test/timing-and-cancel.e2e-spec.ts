import { describe, expect, it } from '@jest/globals';
import { useStack, waitFor } from '@meridian/testing';

describe('delayed jobs and cancellation', () => {
  const ctx = useStack();

  it('should not start a delayed job before its time, and then run it', async () => {
    const before = Date.now();
    const job = await ctx.api.createJob({ name: 'delayed', handler: 'noop', delayMs: 1500 });
    const scheduledFor = Date.parse(job.latestExecution?.scheduledFor ?? '');
    expect(scheduledFor).toBeGreaterThanOrEqual(before + 1500);

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(Date.parse(execution.attempts?.[0]?.startedAt ?? '')).toBeGreaterThanOrEqual(scheduledFor);
  });

  it('should run a job at its runAt instant, not before', async () => {
    const runAt = new Date(Date.now() + 1200).toISOString();
    const job = await ctx.api.createJob({ name: 'at-instant', handler: 'noop', runAt });
    expect(job.latestExecution?.scheduledFor).toBe(runAt);

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(Date.parse(execution.attempts?.[0]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(runAt));
  });

  it('should cancel a queued job so that it never runs', async () => {
    const job = await ctx.api.createJob({ name: 'queued', handler: 'noop', delayMs: 2000 });
    await ctx.api.waitForExecution(job, 'QUEUED');

    const cancelled = await ctx.api.request<{ status: string }>('POST', `/v1/jobs/${job.id}/cancel`);

    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    // Past the time it would have run: still cancelled, never attempted.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const execution = await ctx.api.execution(job.latestExecution?.id ?? '');
    expect(execution.status).toBe('CANCELLED');
    expect(execution.attempt).toBe(0);
    expect(execution.attempts).toEqual([]);
  });

  it('should abort a running job when it is cancelled', async () => {
    const job = await ctx.api.createJob({ name: 'running', handler: 'sleep', payload: { ms: 30_000 } });
    await ctx.api.waitForExecution(job, 'RUNNING');

    const cancelled = await ctx.api.request<{ status: string }>('POST', `/v1/jobs/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);

    const execution = await waitFor(
      async () => {
        const current = await ctx.api.execution(job.latestExecution?.id ?? '');
        return current.attempts?.[0]?.outcome === 'CANCELLED' ? current : undefined;
      },
      { what: 'the running attempt to be cancelled' },
    );
    expect(execution.status).toBe('CANCELLED');
    expect(execution.attempts?.[0]?.durationMs).toBeLessThan(30_000);
  });

  it('should refuse to cancel a job that has finished', async () => {
    const job = await ctx.api.createJob({ name: 'done', handler: 'noop' });
    await ctx.api.waitForExecution(job, 'SUCCEEDED');

    const again = await ctx.api.request<{ code: string; status: number }>('POST', `/v1/jobs/${job.id}/cancel`);

    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body).toMatchObject({ code: 'job_not_cancellable', status: 409 });
  });

  it('should answer 404 for jobs and executions that do not exist', async () => {
    const missing = '01930000-0000-7000-8000-000000000000';
    for (const [method, path] of [
      ['GET', `/v1/jobs/${missing}`],
      ['POST', `/v1/jobs/${missing}/cancel`],
      ['DELETE', `/v1/jobs/${missing}`],
      ['GET', `/v1/jobs/${missing}/executions`],
      ['GET', `/v1/executions/${missing}`],
      ['GET', '/v1/jobs/not-a-uuid'],
    ] as const) {
      const response = await ctx.api.request<{ code: string }>(method, path);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expect(response.body.code).toMatch(/_not_found$/);
    }
  });
});

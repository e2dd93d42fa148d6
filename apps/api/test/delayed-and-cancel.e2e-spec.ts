import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type HttpTarget, type JobView, startHttpTarget, TEST_REDIS_URL, useStack, waitFor } from '@meridian/testing';
import { Queue } from 'bullmq';

import { expectProblem, MISSING_ID } from './support.js';

// Waits are bounded by waitFor's own deadline (20 s), which fails with a clearer message than jest's.
jest.setTimeout(30_000);

describe('delayed jobs and cancellation', () => {
  const ctx = useStack();
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startHttpTarget((path) => {
      switch (path) {
        case '/always-503':
          return { status: 503 };
        case '/slow':
          return { status: 200, delayMs: 10_000 };
        default:
          return { status: 200 };
      }
    });
  });

  afterAll(async () => {
    await target?.close();
  });

  const executionOf = (job: JobView) => ctx.api.execution(job.latestExecution?.id ?? '');

  /** BullMQ's state of an execution's job: 'delayed', 'active', ..., or 'unknown' once it is gone. */
  async function bullState(job: JobView): Promise<string> {
    const redis = new URL(TEST_REDIS_URL);
    const queue = new Queue(job.queue, {
      prefix: ctx.stack.redisPrefix,
      connection: { host: redis.hostname, port: Number(redis.port || 6379), maxRetriesPerRequest: 1 },
    });
    try {
      return await queue.getJobState(job.latestExecution?.id ?? '');
    } finally {
      await queue.close();
    }
  }

  it('should not start a delayed job before its time, and then run it', async () => {
    const before = Date.now();
    const job = await ctx.api.createJob({ name: 'delayed', handler: 'noop', delayMs: 1500 });
    const scheduledFor = Date.parse(job.latestExecution?.scheduledFor ?? '');
    expect(scheduledFor).toBeGreaterThanOrEqual(before + 1500);

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(Date.parse(execution.scheduledFor)).toBe(scheduledFor);
    expect(Date.parse(execution.startedAt ?? '')).toBeGreaterThanOrEqual(scheduledFor);
    expect(execution.attempts).toHaveLength(1);
    expect(Date.parse(execution.attempts?.[0]?.startedAt ?? '')).toBeGreaterThanOrEqual(scheduledFor);
  });

  it('should not call an http target before the job is due', async () => {
    const job = await ctx.api.createJob({
      name: 'delayed-call',
      handler: 'http',
      payload: { url: `${target.url}/delayed-call` },
      delayMs: 1000,
    });
    const scheduledFor = job.latestExecution?.scheduledFor ?? '';

    await ctx.api.waitForExecution(job, 'SUCCEEDED');

    const [call, ...more] = target.on('/delayed-call');
    expect(more).toEqual([]);
    // The target's own clock: the request arrived at or after the job's time.
    expect(call?.receivedAt).toBeGreaterThanOrEqual(Date.parse(scheduledFor));
    expect(call?.headers['x-meridian-scheduled-for']).toBe(scheduledFor);
  });

  it('should run a job at its runAt instant, not before', async () => {
    const runAt = new Date(Date.now() + 1500).toISOString();
    const job = await ctx.api.createJob({ name: 'at-instant', handler: 'noop', runAt });
    expect(job.latestExecution?.scheduledFor).toBe(runAt);

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(execution.scheduledFor).toBe(runAt);
    expect(Date.parse(execution.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(runAt));
    expect(Date.parse(execution.attempts?.[0]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(runAt));
  });

  it('should run a job whose runAt lies within the tolerance in the past at once', async () => {
    const runAt = new Date(Date.now() - 5000).toISOString();
    const job = await ctx.api.createJob({ name: 'slightly-late', handler: 'noop', runAt });

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(execution.scheduledFor).toBe(runAt);
    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
  });

  it('should remove a cancelled queued job from its queue', async () => {
    const job = await ctx.api.createJob({ name: 'queued-for-a-minute', handler: 'noop', delayMs: 60_000 });
    await ctx.api.waitForExecution(job, 'QUEUED');
    expect(await bullState(job)).toBe('delayed');

    const cancelled = await ctx.api.request<JobView>('POST', `/v1/jobs/${job.id}/cancel`);

    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: job.id, status: 'CANCELLED' });
    expect(await bullState(job)).toBe('unknown');
    const execution = await executionOf(job);
    expect(execution).toMatchObject({ status: 'CANCELLED', attempt: 0, attempts: [] });
    expect(execution.finishedAt).not.toBeNull();
    expect((await ctx.api.job(job.id)).status).toBe('CANCELLED');
  });

  it('should never run a cancelled queued job, even after its time has passed', async () => {
    const job = await ctx.api.createJob({ name: 'cancelled-before-due', handler: 'noop', delayMs: 1500 });
    await ctx.api.waitForExecution(job, 'QUEUED');
    const cancelled = await ctx.api.request<JobView>('POST', `/v1/jobs/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    // A job due after the cancelled one: once it has run, the cancelled one's time has passed too.
    const later = await ctx.api.createJob({ name: 'due-after-it', handler: 'noop', delayMs: 2000 });
    expect(Date.parse(later.latestExecution?.scheduledFor ?? '')).toBeGreaterThan(
      Date.parse(job.latestExecution?.scheduledFor ?? ''),
    );

    await ctx.api.waitForExecution(later, 'SUCCEEDED');

    expect(await executionOf(job)).toMatchObject({ status: 'CANCELLED', attempt: 0, attempts: [] });
    expect((await ctx.api.job(job.id)).status).toBe('CANCELLED');
  });

  it('should abort a running job when it is cancelled', async () => {
    const job = await ctx.api.createJob({ name: 'running', handler: 'sleep', payload: { ms: 30_000 } });
    await ctx.api.waitForExecution(job, 'RUNNING');

    const cancelled = await ctx.api.request<JobView>('POST', `/v1/jobs/${job.id}/cancel`);

    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    const execution = await waitFor(
      async () => {
        const current = await executionOf(job);
        return current.attempts?.[0]?.outcome === 'CANCELLED' ? current : undefined;
      },
      { what: 'the running attempt to be cancelled' },
    );
    expect(execution.status).toBe('CANCELLED');
    expect(execution.attempts).toHaveLength(1);
    expect(execution.attempts?.[0]).toMatchObject({ outcome: 'CANCELLED', error: { code: 'handler_cancelled' } });
    // Aborted, not slept to the end.
    expect(execution.attempts?.[0]?.durationMs).toBeLessThan(30_000);
    expect(execution.result).toBeNull();
    expect((await ctx.api.job(job.id)).status).toBe('CANCELLED');
  });

  it('should stop retrying a job that is cancelled while it waits for its next attempt', async () => {
    const job = await ctx.api.createJob({
      name: 'cancelled-in-backoff',
      handler: 'http',
      payload: { url: `${target.url}/always-503` },
      retry: { maxAttempts: 3, backoff: { type: 'fixed', delayMs: 1500, maxDelayMs: 1500, jitter: 0 } },
    });
    await ctx.api.waitForExecution(job, 'RETRYING');

    const cancelled = await ctx.api.request<JobView>('POST', `/v1/jobs/${job.id}/cancel`);

    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    // Due after the retry would have been: once it has run, the retry's time has passed too.
    const later = await ctx.api.createJob({ name: 'due-after-the-retry', handler: 'noop', delayMs: 2000 });
    await ctx.api.waitForExecution(later, 'SUCCEEDED');
    const execution = await executionOf(job);
    expect(execution.status).toBe('CANCELLED');
    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['FAILED']);
    expect(target.on('/always-503').filter((call) => call.headers['x-meridian-job-id'] === job.id)).toHaveLength(1);
  });

  it('should abort a running attempt when its job is deleted, and not run it again', async () => {
    const job = await ctx.api.createJob({
      name: 'deleted-while-running',
      handler: 'http',
      payload: { url: `${target.url}/slow` },
      timeoutMs: 20_000,
    });
    await waitFor(() => Promise.resolve(target.on('/slow').length > 0 ? true : undefined), {
      what: 'the slow call to arrive',
    });

    expect((await ctx.api.request('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);

    // Well past a redelivery of the aborted attempt (2 s): a job due later has run by then.
    const later = await ctx.api.createJob({ name: 'due-after-a-redelivery', handler: 'noop', delayMs: 3000 });
    await ctx.api.waitForExecution(later, 'SUCCEEDED');
    expect(target.on('/slow')).toHaveLength(1);
    expect(ctx.stack.apps.worker?.child.exitCode).toBeNull();
  });

  it('should refuse to cancel a job twice', async () => {
    const job = await ctx.api.createJob({ name: 'cancel-twice', handler: 'noop', delayMs: 60_000 });
    await ctx.api.waitForExecution(job, 'QUEUED');
    expect((await ctx.api.request('POST', `/v1/jobs/${job.id}/cancel`)).status).toBe(200);

    const again = await ctx.api.request('POST', `/v1/jobs/${job.id}/cancel`);

    expectProblem(again, 409, 'job_not_cancellable');
    expect((await executionOf(job)).status).toBe('CANCELLED');
  });

  it('should refuse to cancel a job that has finished', async () => {
    const job = await ctx.api.createJob({ name: 'done', handler: 'noop' });
    await ctx.api.waitForExecution(job, 'SUCCEEDED');

    const again = await ctx.api.request('POST', `/v1/jobs/${job.id}/cancel`);

    expectProblem(again, 409, 'job_not_cancellable');
    expect((await executionOf(job)).status).toBe('SUCCEEDED');
  });

  it('should answer 404 problems for jobs and executions that do not exist', async () => {
    for (const [method, path, code] of [
      ['GET', `/v1/jobs/${MISSING_ID}`, 'job_not_found'],
      ['POST', `/v1/jobs/${MISSING_ID}/cancel`, 'job_not_found'],
      ['DELETE', `/v1/jobs/${MISSING_ID}`, 'job_not_found'],
      ['GET', `/v1/jobs/${MISSING_ID}/executions`, 'job_not_found'],
      ['GET', `/v1/executions/${MISSING_ID}`, 'execution_not_found'],
      ['GET', '/v1/jobs/not-a-uuid', 'job_not_found'],
      ['POST', '/v1/jobs/not-a-uuid/cancel', 'job_not_found'],
    ] as const) {
      const response = await ctx.api.request(method, path);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expectProblem(response, 404, code);
    }
  });
});

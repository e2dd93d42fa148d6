import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type HttpTarget, startHttpTarget, useStack } from '@meridian/testing';

describe('retries, timeouts and dead executions', () => {
  const ctx = useStack();
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startHttpTarget((path, count) => {
      switch (path) {
        case '/fails-twice':
          return { status: count <= 2 ? 503 : 200 };
        case '/always-503':
          return { status: 503 };
        case '/not-found':
          return { status: 404 };
        case '/throttled-once':
          return { status: count === 1 ? 429 : 200 };
        default:
          return { status: 200 };
      }
    });
  });

  afterAll(async () => {
    await target?.close();
  });

  const fastRetries = { maxAttempts: 3, backoff: { type: 'exponential', delayMs: 200, maxDelayMs: 1000, jitter: 0.5 } };

  it('should retry a failing attempt with backoff and succeed, recording every attempt and delay', async () => {
    const job = await ctx.api.createJob({
      name: 'fails-twice',
      handler: 'http',
      payload: { url: `${target.url}/fails-twice`, body: { order: 42 } },
      retry: fastRetries,
    });

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    const attempts = execution.attempts ?? [];
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['FAILED', 'FAILED', 'SUCCEEDED']);
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
    expect(attempts[0]?.error).toMatchObject({ code: 'handler_failed', details: { status: 503 } });
    // Exponential from 200 ms, jitter taking away at most half: 100..200, then 200..400.
    expect(attempts[0]?.retryDelayMs).toBeGreaterThanOrEqual(100);
    expect(attempts[0]?.retryDelayMs).toBeLessThanOrEqual(200);
    expect(attempts[1]?.retryDelayMs).toBeGreaterThanOrEqual(200);
    expect(attempts[1]?.retryDelayMs).toBeLessThanOrEqual(400);
    expect(attempts[2]?.retryDelayMs).toBeNull();
    for (const [previous, next] of [
      [attempts[0], attempts[1]],
      [attempts[1], attempts[2]],
    ] as const) {
      const earliest = Date.parse(previous?.finishedAt ?? '') + (previous?.retryDelayMs ?? 0);
      // Millisecond timestamps written by one clock; 5 ms covers rounding.
      expect(Date.parse(next?.startedAt ?? '')).toBeGreaterThanOrEqual(earliest - 5);
    }
    expect(execution.result).toMatchObject({ status: 200 });
    expect(target.on('/fails-twice')).toHaveLength(3);
  });

  it('should send the execution id as a stable idempotency key with every attempt', async () => {
    const job = await ctx.api.createJob({
      name: 'throttled-once',
      handler: 'http',
      payload: { url: `${target.url}/throttled-once`, method: 'PUT', headers: { 'x-team': 'payments' } },
      retry: fastRetries,
    });

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    const received = target.on('/throttled-once');
    expect(received).toHaveLength(2);
    for (const [index, request] of received.entries()) {
      expect(request.method).toBe('PUT');
      expect(request.headers['idempotency-key']).toBe(execution.id);
      expect(request.headers['x-meridian-execution-id']).toBe(execution.id);
      expect(request.headers['x-meridian-job-id']).toBe(job.id);
      expect(request.headers['x-meridian-attempt']).toBe(String(index + 1));
      expect(request.headers['x-meridian-scheduled-for']).toBe(execution.scheduledFor);
      expect(request.headers['x-team']).toBe('payments');
    }
  });

  it('should end DEAD after exhausting its attempts', async () => {
    const job = await ctx.api.createJob({
      name: 'always-503',
      handler: 'http',
      payload: { url: `${target.url}/always-503` },
      retry: fastRetries,
    });

    const execution = await ctx.api.waitForExecution(job, 'DEAD');

    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(execution.lastError).toMatchObject({ code: 'handler_failed', final: 'exhausted' });
    expect(execution.finishedAt).not.toBeNull();
    expect((await ctx.api.job(job.id)).status).toBe('DEAD');
    expect(target.on('/always-503')).toHaveLength(3);
  });

  it('should end DEAD at once on a non-retryable answer', async () => {
    const job = await ctx.api.createJob({
      name: 'not-found',
      handler: 'http',
      payload: { url: `${target.url}/not-found` },
      retry: fastRetries,
    });

    const execution = await ctx.api.waitForExecution(job, 'DEAD');

    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['FAILED']);
    expect(execution.lastError).toMatchObject({ final: 'non_retryable', details: { status: 404 } });
    expect(target.on('/not-found')).toHaveLength(1);
  });

  it('should count an attempt that outlives its timeout as a failed attempt', async () => {
    const job = await ctx.api.createJob({
      name: 'too-slow',
      handler: 'sleep',
      payload: { ms: 10_000 },
      timeoutMs: 300,
      retry: { maxAttempts: 2, backoff: { delayMs: 100 } },
    });

    const execution = await ctx.api.waitForExecution(job, 'DEAD');

    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['TIMED_OUT', 'TIMED_OUT']);
    expect(execution.attempts?.[0]?.error).toMatchObject({ code: 'handler_timed_out' });
    expect(execution.attempts?.[0]?.durationMs).toBeLessThan(10_000);
  });
});

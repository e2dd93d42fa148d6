import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type AttemptView, type HttpTarget, startHttpTarget, useStack } from '@meridian/testing';

/** Millisecond timestamps written by one clock and rounded to the millisecond: a few ms cover rounding. */
const CLOCK_ROUNDING_MS = 5;

/** Each next attempt starts no earlier than the previous one finished plus the backoff it recorded. */
function expectBackoffRespected(attempts: AttemptView[]) {
  for (const [index, next] of attempts.slice(1).entries()) {
    const previous = attempts[index]!;
    expect(previous.retryDelayMs).not.toBeNull();
    const earliest = Date.parse(previous.finishedAt ?? '') + (previous.retryDelayMs ?? 0);
    expect(Date.parse(next.startedAt)).toBeGreaterThanOrEqual(earliest - CLOCK_ROUNDING_MS);
  }
}

// Waits are bounded by waitFor's own deadline (20 s), which fails with a clearer message than jest's.
jest.setTimeout(30_000);

describe('retries, timeouts and dead executions', () => {
  const ctx = useStack();
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startHttpTarget((path, count) => {
      switch (path) {
        case '/fails-twice':
          return { status: count <= 2 ? 503 : 200, body: { count } };
        case '/always-503':
          return { status: 503 };
        case '/not-found':
          return { status: 404 };
        case '/throttled-once':
          return { status: count === 1 ? 429 : 200 };
        case '/lone-surrogate':
          // Valid JSON (an escaped lone UTF-16 surrogate) that Postgres jsonb refuses to store.
          return { status: 200, body: { text: 'broken \ud800 text' } };
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
    expect(execution.attempt).toBe(3);
    expect(attempts[0]?.error).toMatchObject({ code: 'handler_failed', details: { status: 503 } });
    expect(attempts[1]?.error).toMatchObject({ code: 'handler_failed', details: { status: 503 } });
    expect(attempts[2]?.error).toBeNull();
    // Exponential from 200 ms, jitter taking away at most half: 100..200, then 200..400.
    expect(attempts[0]?.retryDelayMs).toBeGreaterThanOrEqual(100);
    expect(attempts[0]?.retryDelayMs).toBeLessThanOrEqual(200);
    expect(attempts[1]?.retryDelayMs).toBeGreaterThanOrEqual(200);
    expect(attempts[1]?.retryDelayMs).toBeLessThanOrEqual(400);
    expect(attempts[2]?.retryDelayMs).toBeNull();
    expectBackoffRespected(attempts);
    expect(execution.result).toMatchObject({ status: 200, body: { count: 3 } });

    // The target's own clock agrees: no request came sooner than the recorded backoff allowed.
    const received = target.on('/fails-twice');
    expect(received).toHaveLength(3);
    for (const [index, request] of received.slice(1).entries()) {
      const gap = request.receivedAt - received[index]!.receivedAt;
      expect(gap).toBeGreaterThanOrEqual((attempts[index]?.retryDelayMs ?? 0) - CLOCK_ROUNDING_MS);
    }
    expect(received.map((request) => JSON.parse(request.body) as unknown)).toEqual([
      { order: 42 },
      { order: 42 },
      { order: 42 },
    ]);
  });

  it('should send the execution id as a stable idempotency key, and the meridian headers, with every attempt', async () => {
    const job = await ctx.api.createJob({
      name: 'throttled-once',
      handler: 'http',
      payload: { url: `${target.url}/throttled-once`, method: 'PUT', headers: { 'x-team': 'payments' } },
      retry: fastRetries,
    });

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['FAILED', 'SUCCEEDED']);
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

    const attempts = execution.attempts ?? [];
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(attempts.map((attempt) => attempt.retryDelayMs === null)).toEqual([false, false, true]);
    expectBackoffRespected(attempts);
    expect(execution.lastError).toMatchObject({ code: 'handler_failed', final: 'exhausted' });
    expect(execution.finishedAt).not.toBeNull();
    expect(execution.nextAttemptAt).toBeNull();
    expect((await ctx.api.job(job.id)).status).toBe('DEAD');
    const received = target.on('/always-503');
    expect(received).toHaveLength(3);
    expect(new Set(received.map((request) => request.headers['idempotency-key']))).toEqual(new Set([execution.id]));
  });

  it('should end DEAD after exactly one attempt on a non-retryable answer', async () => {
    const job = await ctx.api.createJob({
      name: 'not-found',
      handler: 'http',
      payload: { url: `${target.url}/not-found` },
      retry: fastRetries,
    });

    const execution = await ctx.api.waitForExecution(job, 'DEAD');

    expect(execution.attempt).toBe(1);
    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['FAILED']);
    expect(execution.attempts?.[0]?.retryDelayMs).toBeNull();
    expect(execution.lastError).toMatchObject({ final: 'non_retryable', details: { status: 404 } });
    expect(target.on('/not-found')).toHaveLength(1);
  });

  it('should count an attempt that outlives its timeout as a failed attempt, then end DEAD', async () => {
    const job = await ctx.api.createJob({
      name: 'too-slow',
      handler: 'sleep',
      payload: { ms: 5000 },
      timeoutMs: 300,
      retry: { maxAttempts: 2, backoff: { delayMs: 100, maxDelayMs: 100 } },
    });

    const execution = await ctx.api.waitForExecution(job, 'DEAD');

    const attempts = execution.attempts ?? [];
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['TIMED_OUT', 'TIMED_OUT']);
    expect(attempts[0]?.error).toMatchObject({ code: 'handler_timed_out' });
    expect(execution.lastError).toMatchObject({ code: 'handler_timed_out', final: 'exhausted' });
    expectBackoffRespected(attempts);
    for (const attempt of attempts) {
      // Cut off at its timeout: not before it, and well before the 5 s sleep would have ended.
      expect(attempt.durationMs).toBeGreaterThanOrEqual(300 - CLOCK_ROUNDING_MS);
      expect(attempt.durationMs).toBeLessThan(5000);
    }
  });

  it('should record a successful answer that Postgres cannot store verbatim, instead of running it again', async () => {
    const job = await ctx.api.createJob({
      name: 'lone-surrogate',
      handler: 'http',
      payload: { url: `${target.url}/lone-surrogate` },
      retry: fastRetries,
    });

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
    expect(execution.result).toMatchObject({ status: 200 });
    expect(target.on('/lone-surrogate')).toHaveLength(1);
  });
});

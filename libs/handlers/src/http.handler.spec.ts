import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HandlerError } from '@meridian/domain';
import type { HandlerContext } from '@meridian/handler-sdk';
import { type HttpTarget, startHttpTarget } from '@meridian/testing';

import { createHttpHandler, httpPayloadSchema, isRetryableStatus } from './http.handler.js';

function context(overrides: Partial<HandlerContext> = {}): HandlerContext {
  return {
    signal: new AbortController().signal,
    executionId: '01930000-0000-7000-8000-00000000000e',
    jobId: '01930000-0000-7000-8000-00000000000j',
    namespace: 'default',
    attempt: 2,
    maxAttempts: 3,
    scheduledFor: new Date('2026-03-01T09:00:00.000Z'),
    idempotencyKey: '01930000-0000-7000-8000-00000000000e',
    progress: () => Promise.resolve(),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    ...overrides,
  };
}

async function failureOf(run: Promise<unknown>): Promise<HandlerError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof HandlerError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the handler to fail');
}

describe('http handler', () => {
  let target: HttpTarget;
  const sut = createHttpHandler({ maxResponseBytes: 64 });
  const payload = (path: string, extra: Record<string, unknown> = {}) =>
    httpPayloadSchema.parse({ url: `${target.url}${path}`, ...extra });

  beforeAll(async () => {
    target = await startHttpTarget((path) => {
      const status = Number(path.split('/')[2] ?? 200);
      if (path.startsWith('/big')) {
        return { status: 200, body: { blob: 'x'.repeat(500) } };
      }
      if (path.startsWith('/slow')) {
        return { status: 200, delayMs: 5000 };
      }
      return { status, body: { path } };
    });
  });

  afterAll(async () => {
    await target.close();
  });

  it('should succeed on 2xx with the status and the parsed body', async () => {
    await expect(sut.run(payload('/status/201'), context())).resolves.toEqual({
      status: 201,
      body: { path: '/status/201' },
      truncated: false,
    });
  });

  it('should send the body as JSON with the idempotency and Meridian headers', async () => {
    await sut.run(
      payload('/status/200', { method: 'PATCH', body: { a: 1 }, headers: { 'x-extra': 'yes' } }),
      context(),
    );

    const request = target.on('/status/200').at(-1);
    expect(request).toMatchObject({ method: 'PATCH', body: '{"a":1}' });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': '01930000-0000-7000-8000-00000000000e',
      'x-meridian-execution-id': '01930000-0000-7000-8000-00000000000e',
      'x-meridian-attempt': '2',
      'x-meridian-scheduled-for': '2026-03-01T09:00:00.000Z',
      'x-extra': 'yes',
    });
  });

  it.each([
    [500, true],
    [503, true],
    [408, true],
    [429, true],
    [400, false],
    [404, false],
    [422, false],
  ])('should fail on %i, retryable: %s', async (status, retryable) => {
    const error = await failureOf(sut.run(payload(`/status/${status}`), context()));
    expect(error.retryable).toBe(retryable);
    expect(error.details).toMatchObject({ status });
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it('should keep only maxResponseBytes of a large response', async () => {
    const result = (await sut.run(payload('/big'), context())) as { truncated: boolean; body: string };
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.body)).toBe(64);
  });

  it('should stop waiting when its signal is aborted', async () => {
    const controller = new AbortController();
    const run = sut.run(payload('/slow'), context({ signal: controller.signal }));
    setTimeout(() => controller.abort('cancelled'), 50);
    await expect(run).rejects.toBe('cancelled');
  });

  it('should fail retryably when nothing listens at the address', async () => {
    const closed = await startHttpTarget(() => ({ status: 200 }));
    const url = `${closed.url}/gone`;
    await closed.close();

    const error = await failureOf(sut.run(httpPayloadSchema.parse({ url }), context()));
    expect(error.retryable).toBe(true);
  });

  it('should accept only absolute http(s) URLs and known methods', () => {
    expect(httpPayloadSchema.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(httpPayloadSchema.safeParse({ url: '/relative' }).success).toBe(false);
    expect(httpPayloadSchema.safeParse({ url: 'https://example.com', method: 'TRACE' }).success).toBe(false);
    expect(httpPayloadSchema.parse({ url: 'https://example.com' })).toMatchObject({ method: 'POST', headers: {} });
  });
});

import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { DependencyRepository } from '@meridian/db';
import { type ExecutionDispatch, HandlerError } from '@meridian/domain';
import { defineHandler, HandlerRegistry } from '@meridian/handler-sdk';
import { anExecutionDispatch } from '@meridian/testing';
import type { PinoLogger } from 'nestjs-pino';
import { z } from 'zod';

import { CANCELLED_BY_USER, WORKER_SHUTDOWN } from './abort-reasons.js';
import type { InvocationChildren } from './child-jobs.js';
import { HandlerInvoker } from './handler-invoker.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const handlers = new HandlerRegistry([
  defineHandler('ok', z.unknown(), () => Promise.resolve({ done: true })),
  defineHandler('declined', z.unknown(), () => Promise.reject(new HandlerError('declined', { retryable: false }))),
  defineHandler('hang', z.unknown(), () => new Promise(() => undefined)),
  defineHandler('parents', z.unknown(), (_payload, context) => Promise.resolve(context.parents)),
  defineHandler('loud', z.unknown(), () =>
    Promise.reject(
      new HandlerError('answered 500', { retryable: true, details: { status: 500, body: 'y'.repeat(100) } }),
    ),
  ),
]);

function setup() {
  const parents = { build: { status: 'SUCCEEDED', result: 1 } };
  const dependencies = { parentsOf: () => Promise.resolve(parents) };
  const sut = new HandlerInvoker(
    handlers,
    dependencies as unknown as DependencyRepository,
    loadConfig({ EXECUTION_ERROR_MAX_BYTES: '60' }),
    silent as unknown as PinoLogger,
  );
  const dispatchOf = (handler: string, overrides: Partial<ExecutionDispatch> = {}) =>
    anExecutionDispatch({ handler, ...overrides });
  const invoke = (handler: string, delivery?: AbortSignal, overrides: Partial<ExecutionDispatch> = {}) =>
    sut.invoke({
      dispatch: dispatchOf(handler, overrides),
      attempt: 1,
      delivery,
      progress: () => Promise.resolve(),
      children: { started: undefined } as InvocationChildren,
    });
  return { invoke, parents };
}

describe(HandlerInvoker.name, () => {
  it('should run the handler and return its result', async () => {
    const { invoke } = setup();

    await expect(invoke('ok')).resolves.toEqual({ kind: 'succeeded', result: { done: true } });
  });

  it("should give a handler with dependencies its parents' results", async () => {
    const { invoke, parents } = setup();

    await expect(invoke('parents', undefined, { hasDependencies: true })).resolves.toEqual({
      kind: 'succeeded',
      result: parents,
    });
    await expect(invoke('parents')).resolves.toEqual({ kind: 'succeeded', result: {} });
  });

  it('should call a non-retryable handler error a non-retryable failure', async () => {
    const { invoke } = setup();

    await expect(invoke('declined')).resolves.toMatchObject({ kind: 'failed', retryable: false, timedOut: false });
  });

  it("should store a note instead of an error's details over their size cap", async () => {
    const { invoke } = setup();

    await expect(invoke('loud')).resolves.toMatchObject({
      kind: 'failed',
      error: {
        code: 'handler_failed',
        message: 'answered 500',
        details: { truncated: true, sizeBytes: 124, limitBytes: 60 },
      },
    });
  });

  it('should time out a handler that ignores its signal', async () => {
    const { invoke } = setup();

    await expect(invoke('hang')).resolves.toMatchObject({ kind: 'failed', retryable: true, timedOut: true });
  });

  it('should end the attempt as cancelled when the user cancels it mid-run', async () => {
    const { invoke } = setup();
    const delivery = new AbortController();
    setTimeout(() => delivery.abort(CANCELLED_BY_USER), 20);

    await expect(invoke('hang', delivery.signal)).resolves.toEqual({ kind: 'cancelled' });
  });

  it('should end the attempt as shut down when the delivery was aborted before the handler started', async () => {
    const { invoke } = setup();
    const delivery = new AbortController();
    delivery.abort(WORKER_SHUTDOWN);

    await expect(invoke('hang', delivery.signal)).resolves.toEqual({ kind: 'shutdown' });
  });
});

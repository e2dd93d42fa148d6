import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { AttemptResult, DependencyRepository, ExecutionRepository } from '@meridian/db';
import { type AttemptOutcome, type ExecutionDispatch, HandlerError, newId } from '@meridian/domain';
import { defineHandler, HandlerRegistry } from '@meridian/handler-sdk';
import { type NamespaceAdmission, toExecutionRunData } from '@meridian/queue';
import type { DependencySettler } from '@meridian/runtime';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';
import { z } from 'zod';

import { CANCELLED_BY_USER } from './abort-reasons.js';
import type { DatabaseOutage } from './database-outage.service.js';
import { ExecutionRunner } from './execution-runner.service.js';
import type { NamespaceLimitsService } from './namespace-limits.service.js';
import { RetryScheduledError } from './retry-scheduled.error.js';

/** An in-memory stand-in for the execution repository that records every write it is asked for. */
class FakeExecutions {
  attempt = 0;
  runnable = true;
  applies = true;
  failOn: 'start' | 'finish' | null = null;
  failure: Error = new Error('connection terminated');
  readonly finished: AttemptResult[] = [];
  readonly closed: AttemptOutcome[] = [];
  readonly released: number[] = [];

  startAttempt() {
    if (this.failOn === 'start') {
      return Promise.reject(this.failure);
    }
    if (!this.runnable) {
      return Promise.resolve(null);
    }
    this.attempt += 1;
    return Promise.resolve({ executionId: 'e', attempt: this.attempt, countedAttempt: this.attempt });
  }

  finishAttempt(_id: string, _attempt: number, outcome: AttemptResult) {
    if (this.failOn === 'finish') {
      return Promise.reject(this.failure);
    }
    this.finished.push(outcome);
    return Promise.resolve(this.applies ? { hasDependents: true } : null);
  }

  closeAttempt(_id: string, _attempt: number, outcome: AttemptOutcome) {
    this.closed.push(outcome);
    return Promise.resolve(true);
  }

  releaseAttempt(_id: string, attempt: number) {
    this.released.push(attempt);
    return Promise.resolve(true);
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const handlers = new HandlerRegistry([
  defineHandler('ok', z.unknown(), () => Promise.resolve({ done: true })),
  defineHandler('boom', z.unknown(), () => Promise.reject(new Error('boom'))),
  defineHandler('declined', z.unknown(), () => Promise.reject(new HandlerError('declined', { retryable: false }))),
  defineHandler('hang', z.unknown(), () => new Promise(() => undefined)),
  defineHandler('big', z.unknown(), () => Promise.resolve('x'.repeat(100))),
  defineHandler('loud', z.unknown(), () =>
    Promise.reject(
      new HandlerError('answered 500', { retryable: true, details: { status: 500, body: 'y'.repeat(100) } }),
    ),
  ),
]);

/** An outage tracker that keeps what it was told, taking what the real one takes for an outage. */
function anOutage() {
  const reported: unknown[] = [];
  return {
    reported,
    report: (error: unknown) => {
      reported.push(error);
      return (error as { code?: string }).code === 'ECONNREFUSED';
    },
  };
}

function setup(handler: string, maxAttempts = 3) {
  const executions = new FakeExecutions();
  const outage = anOutage();
  const config = loadConfig({ EXECUTION_RESULT_MAX_BYTES: '50', EXECUTION_ERROR_MAX_BYTES: '60' });
  const sut = new ExecutionRunner(
    executions as unknown as ExecutionRepository,
    { parentsOf: () => Promise.resolve({}) } as unknown as DependencyRepository,
    { settle: () => Promise.resolve() } as unknown as DependencySettler,
    {} as unknown as NamespaceAdmission,
    {
      of: () => Promise.resolve({ maxConcurrency: null, maxRunsPerMinute: null }),
    } as unknown as NamespaceLimitsService,
    handlers,
    outage as unknown as DatabaseOutage,
    config,
    silent as unknown as PinoLogger,
  );
  const dispatch: ExecutionDispatch = {
    executionId: newId(),
    jobId: newId(),
    namespace: 'default',
    handler,
    payload: {},
    queue: 'default',
    priority: 0,
    timeoutMs: 200,
    scheduledFor: new Date(),
    nominalTime: null,
    hasDependencies: false,
    retry: { maxAttempts, backoffType: 'FIXED', backoffDelayMs: 700, backoffMaxDelayMs: 700, backoffJitter: 0 },
  };
  const moves: number[] = [];
  const job = {
    data: toExecutionRunData(dispatch),
    moveToDelayed: (timestamp: number) => {
      moves.push(timestamp);
      return Promise.resolve();
    },
    updateProgress: () => Promise.resolve(),
  } as unknown as Job;
  return { sut, executions, job, moves, outage };
}

describe(ExecutionRunner.name, () => {
  it('should record a success and return the result', async () => {
    const { sut, executions, job } = setup('ok');

    await expect(sut.process(job, 'token', undefined)).resolves.toEqual({ done: true });
    expect(executions.finished).toEqual([{ status: 'SUCCEEDED', result: { done: true } }]);
  });

  it('should store a note instead of a result over the size cap', async () => {
    const { sut, executions, job } = setup('big');

    await sut.process(job, 'token', undefined);
    expect(executions.finished[0]).toEqual({
      status: 'SUCCEEDED',
      result: { truncated: true, sizeBytes: 102, limitBytes: 50 },
    });
  });

  it("should store a note instead of an error's details over their size cap, on every attempt", async () => {
    const { sut, executions, job } = setup('loud', 2);

    await sut.process(job, 'token', undefined).catch(() => undefined);
    await sut.process(job, 'token', undefined).catch(() => undefined);

    const note = { truncated: true, sizeBytes: 124, limitBytes: 60 };
    expect(executions.finished).toEqual([
      expect.objectContaining({
        status: 'RETRYING',
        error: { code: 'handler_failed', message: 'answered 500', details: note },
      }),
      expect.objectContaining({
        status: 'DEAD',
        error: { code: 'handler_failed', message: 'answered 500', details: note, final: 'exhausted' },
      }),
    ]);
  });

  it('should record a retry with its delay and hand BullMQ that delay', async () => {
    const { sut, executions, job } = setup('boom');

    const failure = await sut.process(job, 'token', undefined).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RetryScheduledError);
    expect((failure as RetryScheduledError).retryDelayMs).toBe(700);
    expect(executions.finished[0]).toMatchObject({ status: 'RETRYING', outcome: 'FAILED', retryDelayMs: 700 });
  });

  it('should end the execution DEAD on its last attempt, telling BullMQ not to retry', async () => {
    const { sut, executions, job } = setup('boom', 1);

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(executions.finished[0]).toMatchObject({ status: 'DEAD', error: { final: 'exhausted' } });
  });

  it('should end the execution DEAD at once on a non-retryable failure', async () => {
    const { sut, executions, job } = setup('declined');

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(executions.finished[0]).toMatchObject({ status: 'DEAD', error: { final: 'non_retryable' } });
  });

  it('should time out a handler that ignores its signal', async () => {
    const { sut, executions, job } = setup('hang');

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(RetryScheduledError);
    expect(executions.finished[0]).toMatchObject({ status: 'RETRYING', outcome: 'TIMED_OUT' });
  });

  it('should drop a delivery whose execution may no longer run, without running the handler', async () => {
    const { sut, executions, job } = setup('boom');
    executions.runnable = false;

    await expect(sut.process(job, 'token', undefined)).resolves.toEqual({ skipped: true });
    expect(executions.finished).toEqual([]);
  });

  it('should close the attempt as cancelled when the user cancels it mid-run', async () => {
    const { sut, executions, job } = setup('hang');
    const delivery = new AbortController();
    setTimeout(() => delivery.abort(CANCELLED_BY_USER), 20);

    await expect(sut.process(job, 'token', delivery.signal)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(executions.closed).toEqual(['CANCELLED']);
    expect(executions.finished).toEqual([]);
  });

  it('should keep the record of an attempt whose result came after a cancel', async () => {
    const { sut, executions, job } = setup('ok');
    executions.applies = false;

    await sut.process(job, 'token', undefined);
    expect(executions.closed).toEqual(['SUCCEEDED']);
  });

  it.each(['start', 'finish'] as const)(
    'should hand the job back without spending an attempt when Postgres fails at %s',
    async (failOn) => {
      const { sut, executions, job, moves } = setup('ok');
      executions.failOn = failOn;
      const before = Date.now();

      await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(DelayedError);
      expect(moves).toHaveLength(1);
      expect(moves[0]).toBeGreaterThan(before);
    },
  );

  it.each(['start', 'finish'] as const)(
    'should report an unreachable Postgres at the %s of an attempt, and hand the job back without spending it',
    async (failOn) => {
      const { sut, executions, job, moves, outage } = setup('ok');
      executions.failOn = failOn;
      executions.failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

      await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(DelayedError);
      expect(outage.reported).toEqual([executions.failure]);
      expect(moves).toHaveLength(1);
    },
  );

  it('should refuse job data that does not match the catalog', async () => {
    const { sut, job } = setup('ok');
    (job as unknown as { data: unknown }).data = { executionId: 'nope' };

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(UnrecoverableError);
  });
});

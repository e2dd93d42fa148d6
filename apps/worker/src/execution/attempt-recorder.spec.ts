import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { AttemptResult, ExecutionRepository } from '@meridian/db';
import { type AttemptOutcome } from '@meridian/domain';
import { createMetricCatalog } from '@meridian/metrics';
import type { CancellationService, DependencySettler } from '@meridian/services';
import { anExecutionDispatch } from '@meridian/testing';
import type { PinoLogger } from 'nestjs-pino';

import { AttemptMetrics } from './attempt-metrics.js';
import type { HandlerOutcome } from './attempt-outcome.js';
import { AttemptRecorder } from './attempt-recorder.js';

/** An in-memory stand-in for the execution repository that records every write it is asked for. */
class FakeExecutions {
  runnable = true;
  applies = true;
  readonly finished: AttemptResult[] = [];
  readonly closed: AttemptOutcome[] = [];
  readonly released: number[] = [];

  startAttempt(executionId: string) {
    return Promise.resolve(this.runnable ? { executionId, attempt: 1, countedAttempt: 1 } : null);
  }

  finishAttempt(_id: string, _attempt: number, outcome: AttemptResult) {
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

function setup(maxAttempts = 3) {
  const executions = new FakeExecutions();
  const settled: string[][] = [];
  const settler = {
    settle: (ids: string[]) => {
      settled.push(ids);
      return Promise.resolve();
    },
  };
  const sut = new AttemptRecorder(
    executions as unknown as ExecutionRepository,
    settler as unknown as DependencySettler,
    { afterChildFailed: () => Promise.resolve() } as unknown as CancellationService,
    loadConfig({ EXECUTION_RESULT_MAX_BYTES: '50' }),
    new AttemptMetrics(createMetricCatalog('worker', { processMetrics: false })),
    silent as unknown as PinoLogger,
  );
  const dispatch = anExecutionDispatch({
    handler: 'any',
    retry: { maxAttempts, backoffType: 'FIXED', backoffDelayMs: 700, backoffMaxDelayMs: 700, backoffJitter: 0 },
  });

  const record = (outcome: HandlerOutcome, attempt = 1) =>
    sut.record(dispatch, { attempt, countedAttempt: attempt }, outcome);
  return { sut, executions, settled, dispatch, record };
}

const failed = (retryable: boolean, timedOut = false): HandlerOutcome => ({
  kind: 'failed',
  error: { code: 'handler_failed', message: 'boom' },
  retryable,
  timedOut,
});

describe(AttemptRecorder.name, () => {
  it('should claim the attempt for this worker, or say the execution may no longer run', async () => {
    const { sut, executions, dispatch } = setup();

    await expect(sut.start(dispatch.executionId)).resolves.toMatchObject({ attempt: 1 });
    executions.runnable = false;
    await expect(sut.start(dispatch.executionId)).resolves.toBeNull();
  });

  it('should record a success, settle its dependents and complete with the result', async () => {
    const { executions, settled, dispatch, record } = setup();

    await expect(record({ kind: 'succeeded', result: { done: true } })).resolves.toEqual({
      kind: 'complete',
      result: { done: true },
    });
    expect(executions.finished).toEqual([{ status: 'SUCCEEDED', result: { done: true } }]);
    expect(settled).toEqual([[dispatch.executionId]]);
  });

  it('should store a note instead of a result over the size cap', async () => {
    const { executions, record } = setup();

    await record({ kind: 'succeeded', result: 'x'.repeat(100) });
    expect(executions.finished[0]).toEqual({
      status: 'SUCCEEDED',
      result: { truncated: true, sizeBytes: 102, limitBytes: 50 },
    });
  });

  it('should keep the record of an attempt whose result came after a cancel', async () => {
    const { executions, record } = setup();
    executions.applies = false;

    await record({ kind: 'succeeded', result: null });
    expect(executions.closed).toEqual(['SUCCEEDED']);
  });

  it('should record a retry with its delay and ask for that delay', async () => {
    const { executions, record } = setup();

    await expect(record(failed(true))).resolves.toEqual({ kind: 'retry', message: 'boom', delayMs: 700 });
    expect(executions.finished[0]).toMatchObject({ status: 'RETRYING', outcome: 'FAILED', retryDelayMs: 700 });
  });

  it('should record a timed-out attempt as such', async () => {
    const { executions, record } = setup();

    await record(failed(true, true));
    expect(executions.finished[0]).toMatchObject({ status: 'RETRYING', outcome: 'TIMED_OUT' });
  });

  it('should stop a retry whose execution moved on, keeping the attempt its own record', async () => {
    const { executions, record } = setup();
    executions.applies = false;

    await expect(record(failed(true))).resolves.toMatchObject({ kind: 'stop' });
    expect(executions.closed).toEqual(['FAILED']);
  });

  it('should end the execution DEAD on its last attempt, and stop', async () => {
    const { executions, record } = setup(1);

    await expect(record(failed(true))).resolves.toEqual({ kind: 'stop', message: 'boom' });
    expect(executions.finished[0]).toMatchObject({ status: 'DEAD', error: { final: 'exhausted' } });
  });

  it('should end the execution DEAD at once on a non-retryable failure', async () => {
    const { executions, record } = setup();

    await expect(record(failed(false))).resolves.toMatchObject({ kind: 'stop' });
    expect(executions.finished[0]).toMatchObject({ status: 'DEAD', error: { final: 'non_retryable' } });
  });

  it('should close a cancelled attempt as cancelled, and stop', async () => {
    const { executions, record } = setup();

    await expect(record({ kind: 'cancelled' })).resolves.toMatchObject({ kind: 'stop' });
    expect(executions.closed).toEqual(['CANCELLED']);
    expect(executions.finished).toEqual([]);
  });

  it('should release an attempt interrupted by shutdown, and hand the job back', async () => {
    const { executions, record } = setup();

    await expect(record({ kind: 'shutdown' }, 2)).resolves.toEqual({ kind: 'hand-back' });
    expect(executions.released).toEqual([2]);
  });
});

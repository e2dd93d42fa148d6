import { describe, expect, it } from '@jest/globals';
import { type ExecutionDispatch } from '@meridian/domain';
import { createMetricCatalog } from '@meridian/metrics';
import { toExecutionRunData } from '@meridian/queue';
import { anExecutionDispatch } from '@meridian/testing';
import { DelayedError, type Job, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';

import { AttemptMetrics } from './attempt-metrics.js';
import type { HandlerOutcome } from './attempt-outcome.js';
import type { AttemptRecorder, NextStep } from './attempt-recorder.js';
import type { ChildCoordinator } from './child-coordinator.js';
import type { DatabaseOutage } from './database-outage.js';
import type { AdmissionDecision, ExecutionAdmission } from './execution-admission.js';
import { ExecutionRunner } from './execution-runner.js';
import type { HandlerInvoker, Invocation } from './handler-invoker.js';
import { RetryScheduledError } from './retry-scheduled.error.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** Collaborators that answer as told and remember what they were asked. */
class FakeCollaborators {
  decision: AdmissionDecision = { admitted: true, leased: false };
  runnable = true;
  failOn: 'start' | 'record' | null = null;
  failure: Error = new Error('connection terminated');
  outcome: HandlerOutcome = { kind: 'succeeded', result: { done: true } };
  next: NextStep = { kind: 'complete', result: { done: true } };
  readonly invocations: Invocation[] = [];
  readonly released: string[] = [];
  readonly reported: unknown[] = [];

  readonly admission = {
    admit: () => Promise.resolve(this.decision),
    release: (dispatch: ExecutionDispatch) => {
      this.released.push(dispatch.executionId);
      return Promise.resolve();
    },
  };

  readonly invoker = {
    invoke: (invocation: Invocation) => {
      this.invocations.push(invocation);
      return Promise.resolve(this.outcome);
    },
  };

  readonly recorder = {
    start: (executionId: string) => {
      if (this.failOn === 'start') {
        return Promise.reject(this.failure);
      }
      return Promise.resolve(this.runnable ? { executionId, attempt: 1, countedAttempt: 1, resumed: false } : null);
    },
    record: () => (this.failOn === 'record' ? Promise.reject(this.failure) : Promise.resolve(this.next)),
  };

  /** No children: the invocations of these tests start none. */
  readonly children = { forInvocation: () => ({ started: undefined }) };

  /** Takes what the real tracker takes for an outage: a refused connection. */
  readonly outage = {
    report: (error: unknown) => {
      this.reported.push(error);
      return (error as { code?: string }).code === 'ECONNREFUSED';
    },
  };
}

function setup() {
  const fakes = new FakeCollaborators();
  const sut = new ExecutionRunner(
    fakes.admission as unknown as ExecutionAdmission,
    fakes.invoker as unknown as HandlerInvoker,
    fakes.recorder as unknown as AttemptRecorder,
    fakes.outage as unknown as DatabaseOutage,
    new AttemptMetrics(createMetricCatalog('worker', { processMetrics: false })),
    fakes.children as unknown as ChildCoordinator,
    silent as unknown as PinoLogger,
  );
  const dispatch = anExecutionDispatch({ handler: 'ok' });

  const moves: number[] = [];
  const job = {
    data: toExecutionRunData(dispatch),
    moveToDelayed: (timestamp: number) => {
      moves.push(timestamp);
      return Promise.resolve();
    },
    updateProgress: () => Promise.resolve(),
  } as unknown as Job;
  return { sut, fakes, dispatch, job, moves };
}

describe(ExecutionRunner.name, () => {
  it('should run the handler on the claimed attempt and complete with the recorded result', async () => {
    const { sut, fakes, dispatch, job } = setup();

    await expect(sut.process(job, 'token', undefined)).resolves.toEqual({ done: true });
    expect(fakes.invocations).toEqual([expect.objectContaining({ attempt: 1, dispatch })]);
  });

  it('should hand the delivery signal to the handler', async () => {
    const { sut, fakes, job } = setup();
    const delivery = new AbortController();

    await sut.process(job, 'token', delivery.signal);
    expect(fakes.invocations[0]?.delivery).toBe(delivery.signal);
  });

  it('should hand BullMQ the recorded retry delay', async () => {
    const { sut, fakes, job } = setup();
    fakes.next = { kind: 'retry', message: 'boom', delayMs: 700 };

    const failure = await sut.process(job, 'token', undefined).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RetryScheduledError);
    expect((failure as RetryScheduledError).retryDelayMs).toBe(700);
  });

  it('should tell BullMQ not to retry an execution that stops', async () => {
    const { sut, fakes, job } = setup();
    fakes.next = { kind: 'stop', message: 'boom' };

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('should hand a job back to the queue at once, spending no attempt', async () => {
    const { sut, fakes, job, moves } = setup();
    fakes.next = { kind: 'hand-back' };
    const before = Date.now();

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(DelayedError);
    expect(moves).toHaveLength(1);
    expect(moves[0]).toBeGreaterThanOrEqual(before);
  });

  it('should drop a delivery whose execution may no longer run, without running the handler', async () => {
    const { sut, fakes, job } = setup();
    fakes.runnable = false;

    await expect(sut.process(job, 'token', undefined)).resolves.toEqual({ skipped: true });
    expect(fakes.invocations).toEqual([]);
  });

  it('should delay a run its namespace has no room for, without claiming an attempt', async () => {
    const { sut, fakes, job, moves } = setup();
    fakes.decision = { admitted: false, retryInMs: 1000 };
    const before = Date.now();

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(DelayedError);
    expect(moves[0]).toBeGreaterThanOrEqual(before + 1000);
    expect(fakes.invocations).toEqual([]);
  });

  it('should give back the namespace lease once the attempt ends, however it ends', async () => {
    const { sut, fakes, dispatch, job } = setup();
    fakes.decision = { admitted: true, leased: true };
    fakes.next = { kind: 'stop', message: 'boom' };

    await sut.process(job, 'token', undefined).catch(() => undefined);
    expect(fakes.released).toEqual([dispatch.executionId]);
  });

  it.each(['start', 'record'] as const)(
    'should hand the job back without spending an attempt when Postgres fails at %s',
    async (failOn) => {
      const { sut, fakes, job, moves } = setup();
      fakes.failOn = failOn;
      const before = Date.now();

      await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(DelayedError);
      expect(moves).toHaveLength(1);
      expect(moves[0]).toBeGreaterThan(before);
    },
  );

  it.each(['start', 'record'] as const)(
    'should report an unreachable Postgres at the %s of an attempt, and hand the job back without spending it',
    async (failOn) => {
      const { sut, fakes, job, moves } = setup();
      fakes.failOn = failOn;
      fakes.failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

      await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(DelayedError);
      expect(fakes.reported).toEqual([fakes.failure]);
      expect(moves).toHaveLength(1);
    },
  );

  it('should refuse job data that does not match the catalog', async () => {
    const { sut, job } = setup();
    (job as unknown as { data: unknown }).data = { executionId: 'nope' };

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(UnrecoverableError);
  });
});

describe(`${ExecutionRunner.name} with child jobs`, () => {
  const ended = (status: string) => ({
    step: 'parts',
    onChildFailure: 'partial' as const,
    children: [{ index: 0, jobId: 'j', executionId: 'x', status: status as never, result: 1, error: null }],
  });
  const started = { step: 'parts', children: [] };

  /**
   * A runner whose attempt is `resumed` or new, whose invocations end as `outcomes` in turn, whose
   * children stand as `steps` in Postgres, and whose BullMQ job moves to waiting-children when
   * `waiting` says so. Records what the recorder and the job were asked.
   */
  function setupWithChildren(options: {
    resumed?: boolean;
    outcomes: unknown[];
    steps?: ReturnType<typeof ended>[];
    endedSteps?: ReturnType<typeof ended>[] | null;
    waiting?: boolean;
  }) {
    const calls: string[] = [];
    const outcomes = [...options.outcomes];
    const recorded: unknown[] = [];
    const dispatch = anExecutionDispatch({ handler: 'fan-out' });
    const sut = new ExecutionRunner(
      { admit: () => Promise.resolve({ admitted: true, leased: false }) } as unknown as ExecutionAdmission,
      {
        invoke: () => {
          calls.push('invoke');
          return Promise.resolve(outcomes.shift());
        },
      } as unknown as HandlerInvoker,
      {
        start: () =>
          Promise.resolve({
            executionId: dispatch.executionId,
            attempt: 1,
            countedAttempt: 1,
            resumed: options.resumed ?? false,
          }),
        unpark: () => {
          calls.push('unpark');
          return Promise.resolve(true);
        },
        record: (_dispatch: unknown, _started: unknown, outcome: unknown) => {
          recorded.push(outcome);
          return Promise.resolve({ kind: 'complete', result: 'done' });
        },
      } as unknown as AttemptRecorder,
      { report: () => false } as unknown as DatabaseOutage,
      new AttemptMetrics(createMetricCatalog('worker', { processMetrics: false })),
      {
        steps: () => Promise.resolve(options.steps ?? []),
        pending: (_run: unknown, steps: ReturnType<typeof ended>[]) =>
          Promise.resolve(
            steps.some((step) => step.children.some((child) => child.status === 'RUNNING')) ? started : null,
          ),
        failure: () => null,
        forInvocation: () => ({ started: undefined }),
        park: () => {
          calls.push('park');
          return Promise.resolve(1);
        },
        endedSteps: () => Promise.resolve(options.endedSteps ?? null),
        pollDelayMs: () => 1000,
      } as unknown as ChildCoordinator,
      silent as unknown as PinoLogger,
    );
    const job = {
      data: toExecutionRunData(dispatch),
      attemptsStarted: 1,
      moveToWaitingChildren: () => {
        calls.push('waiting-children');
        return Promise.resolve(options.waiting ?? true);
      },
      moveToDelayed: () => {
        calls.push('delayed');
        return Promise.resolve();
      },
      updateProgress: () => Promise.resolve(),
    } as unknown as Job;
    return { sut, job, calls, recorded };
  }

  it('should park an attempt whose handler started children in waiting-children, freeing the slot', async () => {
    const { sut, job, calls, recorded } = setupWithChildren({ outcomes: [{ kind: 'parked', started }] });

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(WaitingChildrenError);
    expect(calls).toEqual(['invoke', 'park', 'waiting-children']);
    expect(recorded).toEqual([]);
  });

  it('should go on at once, in the same delivery, when the children had all ended before the park', async () => {
    const { sut, job, calls, recorded } = setupWithChildren({
      outcomes: [
        { kind: 'parked', started },
        { kind: 'succeeded', result: 'combined' },
      ],
      waiting: false,
      endedSteps: [ended('SUCCEEDED')],
    });

    await expect(sut.process(job, 'token', undefined)).resolves.toBe('done');
    expect(calls).toEqual(['invoke', 'park', 'waiting-children', 'unpark', 'invoke']);
    expect(recorded).toEqual([{ kind: 'succeeded', result: 'combined' }]);
  });

  it('should poll Postgres later when BullMQ holds no pending child but some have not ended', async () => {
    const { sut, job, calls } = setupWithChildren({ outcomes: [{ kind: 'parked', started }], waiting: false });

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(DelayedError);
    expect(calls).toEqual(['invoke', 'park', 'waiting-children', 'delayed']);
  });

  it('should resume a parked attempt whose children have all ended, invoking the handler again', async () => {
    const { sut, job, calls } = setupWithChildren({
      resumed: true,
      steps: [ended('SUCCEEDED')],
      outcomes: [{ kind: 'succeeded', result: 'combined' }],
    });

    await expect(sut.process(job, 'token', undefined)).resolves.toBe('done');
    expect(calls).toEqual(['unpark', 'invoke']);
  });

  it('should park a resumed attempt again, without invoking the handler, while a child still runs', async () => {
    const { sut, job, calls } = setupWithChildren({ resumed: true, steps: [ended('RUNNING')], outcomes: [] });

    await expect(sut.process(job, 'token', undefined)).rejects.toBeInstanceOf(WaitingChildrenError);
    expect(calls).toEqual(['park', 'waiting-children']);
  });
});

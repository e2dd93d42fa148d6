import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { ChildJobRepository, ChildState, ChildStep } from '@meridian/db';
import { ChildrenFailedError, HandlerError, ValidationError } from '@meridian/domain';
import { ChildrenStartedSignal, defineHandler, HandlerRegistry } from '@meridian/handler-sdk';
import { anExecutionDispatch } from '@meridian/testing';
import type { PinoLogger } from 'nestjs-pino';
import { z } from 'zod';

import { ChildCoordinator } from './child-coordinator.js';
import { allChildrenEnded, InvocationChildren } from './child-jobs.js';

const config = loadConfig({ QUEUES: 'default,bulk' });
const handlers = new HandlerRegistry([
  defineHandler('noop', z.unknown(), () => Promise.resolve(null)),
  defineHandler('count', z.strictObject({ n: z.int() }), () => Promise.resolve(null)),
]);
const dispatch = anExecutionDispatch({ handler: 'noop' });

/** A repository that stores what it is given, or answers null (`running: false`) as for a cancelled parent. */
function aRepository(running = true) {
  const calls: unknown[][] = [];
  const repository = {
    start: (...args: unknown[]) => {
      calls.push(args);
      const specs = args[3] as { handler: string }[];
      return Promise.resolve(
        running
          ? specs.map((_, index): ChildState => ({ index, status: 'QUEUED', dispatch: anExecutionDispatch() }))
          : null,
      );
    },
  };
  return { repository: repository as unknown as ChildJobRepository, calls };
}

const aStep = (onChildFailure: ChildStep['onChildFailure'], statuses: string[]): ChildStep => ({
  step: 'parts',
  onChildFailure,
  children: statuses.map((status, index) => ({
    index,
    jobId: `job-${index}`,
    executionId: `execution-${index}`,
    status: status as ChildStep['children'][number]['status'],
    result: status === 'SUCCEEDED' ? { index } : { stale: true },
    error: status === 'SUCCEEDED' ? null : { code: status === 'CANCELLED' ? 'sibling_failed' : 'handler_failed' },
  })),
});

async function thrownBy(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe(InvocationChildren.name, () => {
  describe('start', () => {
    it('should store the children under the running attempt, then signal the park', async () => {
      const { repository, calls } = aRepository();
      const sut = new InvocationChildren(dispatch, 2, [], repository, handlers, config);

      const error = await thrownBy(() =>
        sut.start(
          'parts',
          [
            { handler: 'count', payload: { n: 1 } },
            { handler: 'noop', queue: 'bulk' },
          ],
          {
            onChildFailure: 'partial',
          },
        ),
      );

      expect(error).toBeInstanceOf(ChildrenStartedSignal);
      expect(error).toMatchObject({ step: 'parts', count: 2 });
      expect(calls[0]?.slice(0, 3)).toEqual([
        { executionId: dispatch.executionId, jobId: dispatch.jobId, namespace: dispatch.namespace, attempt: 2 },
        'parts',
        'partial',
      ]);
      expect(sut.started?.children).toHaveLength(2);
    });

    it('should refuse, storing nothing, a child of an unknown handler or queue or with a bad payload', async () => {
      const { repository, calls } = aRepository();
      const sut = new InvocationChildren(dispatch, 1, [], repository, handlers, config);

      const error = await thrownBy(() =>
        sut.start('parts', [
          { handler: 'count', payload: { n: 'one' } },
          { handler: 'nope' },
          { handler: 'noop', queue: 'elsewhere' },
        ]),
      );

      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
        'children[0].payload.n',
        'children[1].handler',
        'children[2].queue',
      ]);
      expect(calls).toEqual([]);
      expect(sut.started).toBeUndefined();
    });

    it('should fail for good when the attempt no longer runs (cancelled meanwhile)', async () => {
      const { repository } = aRepository(false);
      const sut = new InvocationChildren(dispatch, 1, [], repository, handlers, config);

      const error = await thrownBy(() => sut.start('parts', [{ handler: 'noop' }]));

      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ retryable: false });
      expect(sut.started).toBeUndefined();
    });
  });

  describe('results', () => {
    const sut = (steps: ChildStep[]) =>
      new InvocationChildren(dispatch, 1, steps, aRepository().repository, handlers, config);

    it('should be undefined for a step that started nothing, or while a child has not ended', () => {
      expect(sut([]).results('parts')).toBeUndefined();
      expect(sut([aStep('partial', ['SUCCEEDED', 'RUNNING'])]).results('parts')).toBeUndefined();
    });

    it('should give every outcome in index order, a result only for a success', () => {
      expect(sut([aStep('partial', ['SUCCEEDED', 'DEAD'])]).results('parts')).toEqual([
        {
          index: 0,
          jobId: 'job-0',
          executionId: 'execution-0',
          status: 'SUCCEEDED',
          result: { index: 0 },
          error: null,
        },
        {
          index: 1,
          jobId: 'job-1',
          executionId: 'execution-1',
          status: 'DEAD',
          result: null,
          error: { code: 'handler_failed' },
        },
      ]);
    });

    it('should give only the succeeded children under ignore_failed', () => {
      expect(
        sut([aStep('ignore_failed', ['DEAD', 'SUCCEEDED', 'CANCELLED'])])
          .results('parts')
          ?.map((child) => child.index),
      ).toEqual([1]);
    });
  });
});

describe('ChildCoordinator.failure', () => {
  const sut = new ChildCoordinator(
    {} as never,
    {} as never,
    {} as never,
    handlers,
    config,
    {} as unknown as PinoLogger,
  );

  it('should fail a fail_parent step with a failed child, naming it and not the siblings cancelled for it', () => {
    const failure = sut.failure([aStep('fail_parent', ['SUCCEEDED', 'DEAD', 'CANCELLED'])]);

    expect(failure).toBeInstanceOf(ChildrenFailedError);
    expect(failure?.details).toEqual({
      step: 'parts',
      failed: [{ index: 1, jobId: 'job-1', status: 'DEAD' }],
      failedCount: 1,
    });
  });

  it('should not fail a step that succeeded, that still runs, or whose policy tolerates failures', () => {
    expect(sut.failure([aStep('fail_parent', ['SUCCEEDED', 'SUCCEEDED'])])).toBeNull();
    expect(sut.failure([aStep('fail_parent', ['DEAD', 'RUNNING'])])).toBeNull();
    expect(sut.failure([aStep('partial', ['DEAD'])])).toBeNull();
    expect(sut.failure([aStep('ignore_failed', ['DEAD'])])).toBeNull();
  });
});

describe(allChildrenEnded.name, () => {
  it('should hold once every child of every step has ended', () => {
    expect(allChildrenEnded([aStep('partial', ['SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED'])])).toBe(true);
    expect(allChildrenEnded([aStep('partial', ['SUCCEEDED']), aStep('partial', ['RETRYING'])])).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { type ChildJobSpec, ChildrenStartedSignal, type ChildResult } from '@meridian/handler-sdk';

import { fanOutHandler } from './fan-out.handler.js';
import { aHandlerContext } from './handler-context.fixture.js';

/** A context whose `children` records what is started, and answers `results` with `ended`. */
function contextWith(ended?: ChildResult[]) {
  const started: { step: string; children: readonly ChildJobSpec[]; options: unknown }[] = [];
  const context = aHandlerContext({
    children: {
      start: (step, children, options) => {
        started.push({ step, children, options });
        return Promise.reject(new ChildrenStartedSignal(step, children.length));
      },
      results: () => ended,
    },
  });
  return { context, started };
}

const parse = (payload: unknown) => fanOutHandler.schema.parse(payload);

const succeeded = (index: number, result: unknown): ChildResult => ({
  index,
  jobId: `job-${index}`,
  executionId: `execution-${index}`,
  status: 'SUCCEEDED',
  result,
  error: null,
});

describe('fan-out handler', () => {
  it('should start one child per part, each with its items and the shared payload', async () => {
    const { context, started } = contextWith();

    await expect(
      fanOutHandler.run(
        parse({
          items: [1, 2, 3, 4, 5],
          partSize: 2,
          handler: 'noop',
          payload: { tag: 'x' },
          onChildFailure: 'partial',
        }),
        context,
      ),
    ).rejects.toBeInstanceOf(ChildrenStartedSignal);

    expect(started).toEqual([
      {
        step: 'parts',
        children: [
          { name: 'fan-out part 0', handler: 'noop', payload: { tag: 'x', items: [1, 2] } },
          { name: 'fan-out part 1', handler: 'noop', payload: { tag: 'x', items: [3, 4] } },
          { name: 'fan-out part 2', handler: 'noop', payload: { tag: 'x', items: [5] } },
        ],
        options: { onChildFailure: 'partial' },
      },
    ]);
  });

  it('should put each part in `partField`, with the queue and retry given', async () => {
    const { context, started } = contextWith();

    await expect(
      fanOutHandler.run(
        parse({
          items: ['a'],
          handler: 'http',
          partField: 'body',
          payload: { url: 'https://example.com/' },
          queue: 'bulk',
          retry: { maxAttempts: 2 },
        }),
        context,
      ),
    ).rejects.toBeInstanceOf(ChildrenStartedSignal);

    expect(started[0]?.children).toEqual([
      {
        name: 'fan-out part 0',
        handler: 'http',
        payload: { url: 'https://example.com/', body: ['a'] },
        queue: 'bulk',
        retry: { maxAttempts: 2 },
      },
    ]);
  });

  it('should combine the results in order once the parts have ended, counting the failed ones', async () => {
    const { context, started } = contextWith([
      succeeded(0, 'first'),
      { ...succeeded(1, null), status: 'DEAD', result: null, error: { code: 'handler_failed' } },
      succeeded(2, 'third'),
    ]);

    const result = await fanOutHandler.run(parse({ items: [1, 2, 3], partSize: 1, handler: 'noop' }), context);

    expect(started).toEqual([]);
    expect(result).toEqual({
      parts: 3,
      succeeded: 2,
      failed: 1,
      results: ['first', null, 'third'],
      failures: [{ index: 1, status: 'DEAD', error: { code: 'handler_failed' } }],
    });
  });

  it('should count a part left out of the results (ignore_failed) as failed', async () => {
    const { context } = contextWith([succeeded(0, 'a'), succeeded(2, 'c')]);

    const result = await fanOutHandler.run(parse({ items: [1, 2, 3], partSize: 1, handler: 'noop' }), context);

    expect(result).toMatchObject({ parts: 3, succeeded: 2, failed: 1, results: ['a', 'c'], failures: [] });
  });

  it('should return at once, starting nothing, for an empty list', async () => {
    const { context, started } = contextWith();

    await expect(fanOutHandler.run(parse({ items: [], handler: 'noop' }), context)).resolves.toEqual({
      parts: 0,
      succeeded: 0,
      failed: 0,
      results: [],
      failures: [],
    });
    expect(started).toEqual([]);
  });

  it('should refuse a list that would split into more than 10,000 parts', () => {
    expect(
      fanOutHandler.schema.safeParse({ items: Array.from({ length: 10_001 }), partSize: 1, handler: 'noop' }).success,
    ).toBe(false);
  });
});

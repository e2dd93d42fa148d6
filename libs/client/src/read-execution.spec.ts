import { describe, expect, it } from '@jest/globals';

import type { Attempt, Execution } from './api-types.js';
import { MeridianApiError } from './meridian-api.error.js';
import { createMeridianClient } from './meridian-client.js';
import { readExecutionWithAttempts } from './read-execution.js';

const executionId = '0193a6f0-0000-7000-8000-000000000001';

function aDeadExecution(attempts: Attempt[], attemptsNextCursor: string | null): Execution {
  return {
    id: executionId,
    jobId: '0193a6f0-0000-7000-8000-000000000002',
    status: 'DEAD',
    attempt: 3,
    scheduledFor: '2026-01-01T00:00:00.000Z',
    nominalTime: null,
    queuedAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    finishedAt: '2026-01-01T00:00:09.000Z',
    nextAttemptAt: null,
    workerId: 'worker-1',
    result: null,
    lastError: { code: 'handler_failed', message: 'failed' },
    parkedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:09.000Z',
    attempts,
    attemptsNextCursor,
  };
}

const aFailedAttempt = (attempt: number): Attempt => ({
  attempt,
  outcome: 'FAILED',
  workerId: 'worker-1',
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: '2026-01-01T00:00:02.000Z',
  durationMs: 1000,
  error: { code: 'handler_failed', message: 'failed' },
  retryDelayMs: null,
});

/** An API that answers each read with the next of `answers`, and records the requests. */
function scriptedApi(answers: Response[]) {
  const requests: Request[] = [];
  const fetch = (...args: Parameters<typeof globalThis.fetch>) => {
    requests.push(new Request(...args));
    return Promise.resolve(answers.shift()!);
  };
  return { client: createMeridianClient({ baseUrl: 'http://meridian.test', apiKey: 'mk_test', fetch }), requests };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' },
  });

describe(readExecutionWithAttempts.name, () => {
  it('should read the execution with the largest page of attempts', async () => {
    const execution = aDeadExecution([aFailedAttempt(1)], null);
    const { client, requests } = scriptedApi([json(200, execution)]);

    await expect(readExecutionWithAttempts(client, executionId)).resolves.toEqual(execution);
    expect(requests.map((request) => request.url)).toEqual([
      `http://meridian.test/v1/executions/${executionId}?attemptsLimit=100`,
    ]);
  });

  it('should follow the attempts pages and answer every attempt, oldest first, with no cursor left', async () => {
    const { client, requests } = scriptedApi([
      json(200, aDeadExecution([aFailedAttempt(1), aFailedAttempt(2)], 'a3')),
      json(200, aDeadExecution([aFailedAttempt(3)], null)),
    ]);

    const execution = await readExecutionWithAttempts(client, executionId);

    expect(execution.attempts.map((each) => each.attempt)).toEqual([1, 2, 3]);
    expect(execution.attemptsNextCursor).toBeNull();
    expect(new URL(requests[1]!.url).searchParams.get('attemptsCursor')).toBe('a3');
  });

  it('should reject with the problem of an unknown execution', async () => {
    const { client } = scriptedApi([
      json(404, {
        type: '/problems/execution-not-found',
        title: 'Not Found',
        status: 404,
        detail: `Execution ${executionId} does not exist.`,
        code: 'execution_not_found',
      }),
    ]);

    const read = readExecutionWithAttempts(client, executionId);

    await expect(read).rejects.toThrow(MeridianApiError);
    await expect(read).rejects.toMatchObject({ status: 404, code: 'execution_not_found' });
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from '@jest/globals';
import { anAttemptAnswer, anExecutionAnswer } from '@meridian/testing';

import type { Attempt } from './api-types.js';
import { createMeridianClient } from './meridian-client.js';
import { MeridianNetworkError } from './meridian-network.error.js';
import { waitForExecution } from './wait-for-execution.js';
import { WaitTimeoutError } from './wait-timeout.error.js';

const executionId = anExecutionAnswer().id;

const anExecution = anExecutionAnswer;
const attempt = (number: number, outcome: Attempt['outcome']) => anAttemptAnswer(number, outcome);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' },
  });

/**
 * An API that answers the reads of the execution from `answers`, one a read, the last one again once
 * they run out; an Error in the list is thrown as a failed fetch would be.
 */
function scriptedApi(answers: (Response | Error | (() => Response))[]) {
  const requests: Request[] = [];
  const fetch = (...args: Parameters<typeof globalThis.fetch>) => {
    const request = new Request(...args);
    requests.push(request);
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (next instanceof Error) {
      return Promise.reject(next);
    }
    return Promise.resolve(typeof next === 'function' ? next() : next.clone());
  };
  return { client: createMeridianClient({ baseUrl: 'http://meridian.test', apiKey: 'mk_test', fetch }), requests };
}

const fetchFailed = () =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });

describe(waitForExecution.name, () => {
  it('should read the execution until it has ended, and answer it with its attempts', async () => {
    const ended = anExecution({ status: 'SUCCEEDED', attempt: 1, attempts: [attempt(1, 'SUCCEEDED')] });
    const { client, requests } = scriptedApi([
      json(200, anExecution({ status: 'QUEUED' })),
      json(200, anExecution({ status: 'RUNNING', attempt: 1, attempts: [attempt(1, 'RUNNING')] })),
      json(200, ended),
    ]);

    await expect(waitForExecution(client, executionId, { intervalMs: 1 })).resolves.toEqual(ended);
    expect(requests.map((request) => request.url)).toEqual(
      Array(3).fill(`http://meridian.test/v1/executions/${executionId}?attemptsLimit=100`),
    );
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer mk_test');
  });

  it('should call onChange with the first state and each change of status or attempts, not with each read', async () => {
    const retrying = anExecution({ status: 'RETRYING', attempt: 1, attempts: [attempt(1, 'FAILED')] });
    const { client } = scriptedApi([
      json(200, anExecution({ status: 'RUNNING', attempt: 1, attempts: [attempt(1, 'RUNNING')] })),
      json(200, anExecution({ status: 'RUNNING', attempt: 1, attempts: [attempt(1, 'RUNNING')] })),
      json(200, retrying),
      json(200, retrying),
      json(
        200,
        anExecution({ status: 'RUNNING', attempt: 2, attempts: [attempt(1, 'FAILED'), attempt(2, 'RUNNING')] }),
      ),
      json(200, anExecution({ status: 'DEAD', attempt: 2, attempts: [attempt(1, 'FAILED'), attempt(2, 'TIMED_OUT')] })),
    ]);
    const changes: string[] = [];

    await waitForExecution(client, executionId, {
      intervalMs: 1,
      onChange: (execution) =>
        changes.push(`${execution.status} ${execution.attempts.map((each) => each.outcome).join(',')}`),
    });

    expect(changes).toEqual(['RUNNING RUNNING', 'RETRYING FAILED', 'RUNNING FAILED,RUNNING', 'DEAD FAILED,TIMED_OUT']);
  });

  it('should follow the attempts pages so the answer holds every attempt', async () => {
    const { client, requests } = scriptedApi([
      json(
        200,
        anExecution({ status: 'DEAD', attempt: 2, attempts: [attempt(1, 'FAILED')], attemptsNextCursor: 'a2' }),
      ),
      json(
        200,
        anExecution({ status: 'DEAD', attempt: 2, attempts: [attempt(2, 'FAILED')], attemptsNextCursor: null }),
      ),
    ]);

    const execution = await waitForExecution(client, executionId, { intervalMs: 1 });

    expect(execution.attempts.map((each) => each.attempt)).toEqual([1, 2]);
    expect(execution.attemptsNextCursor).toBeNull();
    expect(new URL(requests[1]!.url).searchParams.get('attemptsCursor')).toBe('a2');
  });

  it('should reject past the timeout with the status last read', async () => {
    const { client } = scriptedApi([json(200, anExecution({ status: 'QUEUED' }))]);

    const wait = waitForExecution(client, executionId, { timeoutMs: 50, intervalMs: 5 });

    await expect(wait).rejects.toThrow(WaitTimeoutError);
    await expect(wait).rejects.toThrow(
      `execution ${executionId} did not end within 50 ms: last seen QUEUED at attempt 0`,
    );
    await expect(wait).rejects.toMatchObject({ timeoutMs: 50, execution: { status: 'QUEUED' } });
  });

  it('should reject at the timeout even while a read hangs', async () => {
    const hanging = (...args: Parameters<typeof fetch>) =>
      new Promise<Response>((_resolve, reject) => {
        const request = new Request(...args);
        request.signal.addEventListener('abort', () => reject(request.signal.reason as Error));
      });
    const client = createMeridianClient({ baseUrl: 'http://meridian.test', fetch: hanging });
    const startedAt = Date.now();

    await expect(waitForExecution(client, executionId, { timeoutMs: 100 })).rejects.toThrow(WaitTimeoutError);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("should reject with the signal's reason when aborted, during a pause or a read", async () => {
    const { client } = scriptedApi([json(200, anExecution({ status: 'QUEUED' }))]);
    const controller = new AbortController();
    const reason = new Error('the user pressed Ctrl-C');

    const wait = waitForExecution(client, executionId, { intervalMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);

    await expect(wait).rejects.toBe(reason);
    await expect(waitForExecution(client, executionId, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('should reject at once with a MeridianApiError for a refusal, such as an unknown execution', async () => {
    const { client, requests } = scriptedApi([
      json(404, {
        type: '/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: 'No execution',
        code: 'execution_not_found',
      }),
    ]);

    await expect(waitForExecution(client, executionId, { intervalMs: 1 })).rejects.toMatchObject({
      name: 'MeridianApiError',
      status: 404,
      code: 'execution_not_found',
    });
    expect(requests).toHaveLength(1);
  });

  it('should read through 503 answers and, once the API has answered, through failed connections', async () => {
    const unavailable = {
      type: '/problems/unavailable',
      title: 'Unavailable',
      status: 503,
      detail: 'Postgres',
      code: 'service_unavailable',
    };
    const { client, requests } = scriptedApi([
      json(503, unavailable),
      json(200, anExecution({ status: 'RUNNING' })),
      fetchFailed(),
      json(200, anExecution({ status: 'SUCCEEDED' })),
    ]);

    await expect(waitForExecution(client, executionId, { intervalMs: 1 })).resolves.toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(requests).toHaveLength(4);
  });

  it('should reject at once with a MeridianNetworkError when the API was never reached (a wrong URL)', async () => {
    const { client, requests } = scriptedApi([fetchFailed()]);

    const wait = waitForExecution(client, executionId, { intervalMs: 1 });

    await expect(wait).rejects.toThrow(MeridianNetworkError);
    await expect(wait).rejects.toThrow(`could not reach http://meridian.test/v1/executions/${executionId}`);
    expect(requests).toHaveLength(1);
  });

  it('should say why it timed out when the last reads failed', async () => {
    const { client } = scriptedApi([json(200, anExecution({ status: 'RUNNING', attempt: 1 })), fetchFailed()]);

    await expect(waitForExecution(client, executionId, { timeoutMs: 50, intervalMs: 5 })).rejects.toThrow(
      /last seen RUNNING at attempt 1; the last read failed \(could not reach .*ECONNREFUSED/,
    );
  });
});

describe(createMeridianClient.name, () => {
  it('should turn a refused connection into a MeridianNetworkError naming the URL and the reason', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const sut = createMeridianClient({ baseUrl: `http://127.0.0.1:${port}/` });

    const read = sut.GET('/healthz');

    await expect(read).rejects.toThrow(MeridianNetworkError);
    await expect(read).rejects.toThrow(`could not reach http://127.0.0.1:${port}/healthz: `);
    await expect(read).rejects.toThrow('ECONNREFUSED');
  });

  it('should send the API key as a bearer token and the given headers with every request', async () => {
    const seen: Request[] = [];
    const sut = createMeridianClient({
      baseUrl: 'http://meridian.test',
      apiKey: 'mk_abc',
      headers: { 'user-agent': 'billing-service/1.2' },
      fetch: (input, init) => {
        seen.push(new Request(input, init));
        return Promise.resolve(json(200, { status: 'ok' }));
      },
    });

    await sut.GET('/healthz');

    expect(seen[0]!.headers.get('authorization')).toBe('Bearer mk_abc');
    expect(seen[0]!.headers.get('user-agent')).toBe('billing-service/1.2');
  });
});

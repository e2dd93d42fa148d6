import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deleteRedisPrefix, startStack, type TestStack, waitFor } from '@meridian/testing';

interface Attempt {
  attempt: number;
  outcome: string;
}
interface Execution {
  id: string;
  status: string;
  attempt: number;
  attempts: Attempt[];
}
interface Job {
  id: string;
  status: string;
  latestExecution: { id: string; status: string };
}

/**
 * Faults lose nothing: Redis is only the dispatch layer, so losing it (or a worker with it) must
 * leave every execution to be run from what Postgres holds.
 */
describe('recovery from lost Redis state', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({ env: { RECONCILE_INTERVAL_MS: '200', RECONCILE_GRACE_MS: '0' } });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  async function createJob(body: Record<string, unknown>): Promise<Job> {
    const response = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Job;
  }

  async function execution(id: string): Promise<Execution> {
    return (await (await fetch(`${stack.apiUrl}/v1/executions/${id}`)).json()) as Execution;
  }

  async function waitForStatus(id: string, status: string, timeoutMs = 20_000): Promise<Execution> {
    return waitFor(
      async () => {
        const current = await execution(id);
        return current.status === status ? current : undefined;
      },
      { timeoutMs, what: `execution ${id} to be ${status}` },
    );
  }

  it('should run a delayed job exactly once after every Redis key was deleted while it waited', async () => {
    const job = await createJob({ name: 'survives-flush', handler: 'noop', delayMs: 1500 });
    await waitForStatus(job.latestExecution.id, 'QUEUED');

    await deleteRedisPrefix(stack.redisPrefix);

    const done = await waitForStatus(job.latestExecution.id, 'SUCCEEDED');
    expect(done.attempts.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
  });

  it('should finish a running job whose worker was killed and whose Redis state was lost', async () => {
    const job = await createJob({ name: 'survives-crash', handler: 'sleep', payload: { ms: 1500 } });
    await waitForStatus(job.latestExecution.id, 'RUNNING');

    await stack.apps.worker?.stop('SIGKILL');
    await deleteRedisPrefix(stack.redisPrefix);
    await stack.start('worker');

    const done = await waitForStatus(job.latestExecution.id, 'SUCCEEDED', 30_000);
    expect(done.attempts.map((attempt) => attempt.outcome)).toEqual(['INTERRUPTED', 'SUCCEEDED']);
  }, 40_000);
});

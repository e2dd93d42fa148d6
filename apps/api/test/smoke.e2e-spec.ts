import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startStack, type TestStack, waitFor } from '@meridian/testing';

describe('smoke', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('should run a noop job', async () => {
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'n', handler: 'noop' }),
    });
    expect(res.status).toBe(201);
    const job = (await res.json()) as { id: string };
    const done = await waitFor(async () => {
      const j = (await (await fetch(`${stack.apiUrl}/v1/jobs/${job.id}`)).json()) as { status: string };
      return j.status === 'SUCCEEDED' ? j : undefined;
    });
    expect(done.status).toBe('SUCCEEDED');
  });
});

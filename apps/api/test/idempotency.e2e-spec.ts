import { describe, expect, it, jest } from '@jest/globals';
import { type ExecutionView, type JobView, useStack } from '@meridian/testing';

import { expectProblem, type Page } from './support.js';

// Waits are bounded by waitFor's own deadline (20 s), which fails with a clearer message than jest's.
jest.setTimeout(30_000);

describe('idempotent create', () => {
  const ctx = useStack();

  async function jobsNamed(name: string): Promise<JobView[]> {
    return (await ctx.api.request<Page<JobView>>('GET', `/v1/jobs?name=${name}&limit=100`)).body.items;
  }

  it('should return the same job, with the same status code, when a create is retried', async () => {
    const body = { name: 'retried-create', handler: 'noop', payload: { n: 1 } };
    const headers = { 'Idempotency-Key': 'order-1001' };

    const first = await ctx.api.request<JobView>('POST', '/v1/jobs', body, headers);
    // The same request, its keys in another order.
    const second = await ctx.api.request<JobView>(
      'POST',
      '/v1/jobs',
      { payload: { n: 1 }, handler: 'noop', name: 'retried-create' },
      headers,
    );

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.latestExecution?.id).toBe(first.body.latestExecution?.id);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.body.idempotencyKey).toBe('order-1001');
    expect(second.body.idempotencyKey).toBe('order-1001');
    expect((await jobsNamed('retried-create')).map((job) => job.id)).toEqual([first.body.id]);

    const execution = await ctx.api.waitForExecution(first.body, 'SUCCEEDED');
    expect(execution.attempts).toHaveLength(1);
  });

  it('should replay a job that has already run, without running it again', async () => {
    const body = { name: 'replayed-after-run', handler: 'noop' };
    const headers = { 'Idempotency-Key': 'order-1002' };
    const first = await ctx.api.createJob(body, headers);
    await ctx.api.waitForExecution(first, 'SUCCEEDED');

    const again = await ctx.api.request<JobView>('POST', '/v1/jobs', body, headers);

    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.id);
    expect(again.body.status).toBe('SUCCEEDED');
    const executions = await ctx.api.request<Page<ExecutionView>>('GET', `/v1/jobs/${first.id}/executions`);
    expect(executions.body.items).toHaveLength(1);
  });

  it('should create exactly one job, run exactly once, when 20 identical requests race', async () => {
    const body = { name: 'raced-create', handler: 'noop', payload: { race: true } };
    const headers = { 'Idempotency-Key': 'race-7' };

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => ctx.api.request<JobView>('POST', '/v1/jobs', body, headers)),
    );

    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 201));
    const ids = new Set(responses.map((response) => response.body.id));
    expect(ids.size).toBe(1);
    const executionIds = new Set(responses.map((response) => response.body.latestExecution?.id));
    expect(executionIds.size).toBe(1);
    // One request created the job; every other one is a replay of it.
    const replayed = responses.filter((response) => response.headers.get('idempotent-replayed') === 'true');
    expect(replayed).toHaveLength(19);
    const jobs = await jobsNamed('raced-create');
    expect(jobs.map((job) => job.id)).toEqual([...ids]);

    const execution = await ctx.api.waitForExecution(responses[0]!.body, 'SUCCEEDED');
    const executions = await ctx.api.request<Page<ExecutionView>>('GET', `/v1/jobs/${jobs[0]!.id}/executions`);
    expect(executions.body.items.map((item) => item.id)).toEqual([execution.id]);
    expect(execution.attempt).toBe(1);
    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
  });

  it('should refuse a reused key with a different body, and keep the first job as it was', async () => {
    const headers = { 'Idempotency-Key': 'order-2002' };
    const first = await ctx.api.createJob({ name: 'first-body', handler: 'noop', delayMs: 3_600_000 }, headers);

    const reused = await ctx.api.request('POST', '/v1/jobs', { name: 'other-body', handler: 'noop' }, headers);

    const problem = expectProblem(reused, 409, 'idempotency_key_reused');
    expect(problem.detail).toContain('order-2002');
    expect(await jobsNamed('other-body')).toHaveLength(0);
    const kept = await ctx.api.job(first.id);
    expect(kept).toMatchObject({ name: 'first-body', idempotencyKey: 'order-2002' });
  });

  it('should treat different keys as different jobs', async () => {
    const body = { name: 'two-keys', handler: 'noop', delayMs: 3_600_000 };

    const a = await ctx.api.createJob(body, { 'Idempotency-Key': 'key-a' });
    const b = await ctx.api.createJob(body, { 'Idempotency-Key': 'key-b' });

    expect(a.id).not.toBe(b.id);
    expect(await jobsNamed('two-keys')).toHaveLength(2);
  });
});

import { describe, expect, it } from '@jest/globals';
import { type JobView, useStack } from '@meridian/testing';

describe('idempotent create', () => {
  const ctx = useStack();

  async function jobsNamed(name: string): Promise<JobView[]> {
    return (await ctx.api.request<{ items: JobView[] }>('GET', `/v1/jobs?name=${name}&limit=100`)).body.items;
  }

  it('should return the same job, with the same status code, when a create is retried', async () => {
    const body = { name: 'retried-create', handler: 'noop', payload: { n: 1 } };
    const headers = { 'Idempotency-Key': 'order-1001' };

    const first = await ctx.api.request<JobView>('POST', '/v1/jobs', body, headers);
    const second = await ctx.api.request<JobView>(
      'POST',
      '/v1/jobs',
      { payload: { n: 1 }, handler: 'noop', name: 'retried-create' },
      headers,
    );

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.idempotencyKey).toBe('order-1001');
    expect(await jobsNamed('retried-create')).toHaveLength(1);
  });

  it('should create exactly one job, run exactly once, when identical requests race', async () => {
    const body = { name: 'raced-create', handler: 'noop' };
    const headers = { 'Idempotency-Key': 'race-7' };

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => ctx.api.request<JobView>('POST', '/v1/jobs', body, headers)),
    );

    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 201));
    const ids = new Set(responses.map((response) => response.body.id));
    expect(ids.size).toBe(1);
    const [job] = await jobsNamed('raced-create');
    expect(job).toBeDefined();
    const execution = await ctx.api.waitForExecution(responses[0]!.body, 'SUCCEEDED');
    const executions = await ctx.api.request<{ items: unknown[] }>('GET', `/v1/jobs/${job!.id}/executions`);
    expect(executions.body.items).toHaveLength(1);
    expect(execution.attempts).toHaveLength(1);
  });

  it('should refuse a reused key with a different body', async () => {
    const headers = { 'Idempotency-Key': 'order-2002' };
    await ctx.api.createJob({ name: 'first-body', handler: 'noop' }, headers);

    const reused = await ctx.api.request<{ code: string }>(
      'POST',
      '/v1/jobs',
      { name: 'other-body', handler: 'noop' },
      headers,
    );

    expect(reused.status).toBe(409);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect(await jobsNamed('other-body')).toHaveLength(0);
  });
});

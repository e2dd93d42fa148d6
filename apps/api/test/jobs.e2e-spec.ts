import { describe, expect, it } from '@jest/globals';
import { type ExecutionView, type JobView, useStack } from '@meridian/testing';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe('jobs API', () => {
  const ctx = useStack();

  it('should store a job, run it on a worker and keep its history', async () => {
    const created = await ctx.api.request<JobView>('POST', '/v1/jobs', {
      name: 'hello',
      handler: 'noop',
      payload: { greeting: 'hi' },
    });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/jobs/${created.body.id}`);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      status: 'PENDING',
      handler: 'noop',
      queue: 'default',
    });

    const execution = await ctx.api.waitForExecution(created.body, 'SUCCEEDED');
    expect(execution.result).toEqual({ ok: true, echo: { greeting: 'hi' } });
    expect(execution.scheduledFor).toBe(created.body.latestExecution?.scheduledFor);
    expect(execution.attempts).toHaveLength(1);
    expect(execution.attempts?.[0]).toMatchObject({ attempt: 1, outcome: 'SUCCEEDED', error: null });
    expect(Date.parse(execution.queuedAt ?? '')).toBeLessThanOrEqual(Date.parse(execution.startedAt ?? ''));
    expect(Date.parse(execution.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(execution.finishedAt ?? ''));

    const job = await ctx.api.job(created.body.id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.latestExecution?.id).toBe(execution.id);

    const executions = await ctx.api.request<Page<ExecutionView>>('GET', `/v1/jobs/${job.id}/executions`);
    expect(executions.status).toBe(200);
    expect(executions.body.items.map((item) => item.id)).toEqual([execution.id]);
  });

  it('should list jobs newest first, filtered, one cursor page at a time', async () => {
    const name = `listed-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push((await ctx.api.createJob({ name, handler: 'noop', delayMs: 3_600_000 })).id);
    }
    const other = await ctx.api.createJob({ name: `${name}-other`, handler: 'noop', delayMs: 3_600_000 });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/jobs?name=${name}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = await ctx.api.request<Page<JobView>>('GET', query);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((job) => job.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);

    expect(seen).toEqual([...ids].reverse());
    expect(seen).not.toContain(other.id);

    const byQueue = await ctx.api.request<Page<JobView>>('GET', `/v1/jobs?queue=default&limit=100`);
    expect(byQueue.body.items.map((job) => job.id)).toEqual(expect.arrayContaining([...ids, other.id]));
    const succeeded = await ctx.api.request<Page<JobView>>('GET', '/v1/jobs?status=SUCCEEDED&limit=100');
    expect(succeeded.body.items.every((job) => job.status === 'SUCCEEDED')).toBe(true);
    expect(succeeded.body.items.map((job) => job.id)).not.toContain(other.id);
  });

  it('should delete a job with its history and then answer 404 for it', async () => {
    const job = await ctx.api.createJob({ name: 'to-delete', handler: 'noop', delayMs: 3_600_000 });

    const deleted = await ctx.api.request('DELETE', `/v1/jobs/${job.id}`);
    expect(deleted.status).toBe(204);

    const after = await ctx.api.request<{ code: string }>('GET', `/v1/jobs/${job.id}`);
    expect(after.status).toBe(404);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
    expect(after.body.code).toBe('job_not_found');
    const execution = await ctx.api.request('GET', `/v1/executions/${job.latestExecution?.id}`);
    expect(execution.status).toBe(404);
  });

  it('should serve an OpenAPI document of the v1 routes and the Swagger UI', async () => {
    const document = await ctx.api.request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/docs-json',
    );

    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/jobs',
        '/v1/jobs/{id}',
        '/v1/jobs/{id}/cancel',
        '/v1/jobs/{id}/executions',
        '/v1/executions/{id}',
      ]),
    );
    expect(Object.keys(document.body.paths['/v1/jobs'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(JSON.stringify(document.body)).not.toContain('#/definitions/');
    expect((await fetch(`${ctx.stack.apiUrl}/docs`)).status).toBe(200);
  });

  it('should report liveness and readiness', async () => {
    expect((await ctx.api.request('GET', '/healthz')).status).toBe(200);
    const ready = await ctx.api.request<{ checks: Record<string, string> }>('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'up', redis: 'up' });
  });

  it('should serve the queue admin UI', async () => {
    const response = await fetch(`${ctx.stack.apiUrl}/admin/queues`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });
});

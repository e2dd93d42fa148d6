import { randomUUID } from 'node:crypto';

import { describe, expect, it, jest } from '@jest/globals';
import { type ExecutionView, type JobView, useStack } from '@meridian/testing';

import { expectProblem, MISSING_ID, type Page } from './support.js';

/** Far enough ahead that the job stays queued for the whole test. */
const AN_HOUR = 3_600_000;

// Waits are bounded by waitFor's own deadline (20 s), which fails with a clearer message than jest's.
jest.setTimeout(30_000);

describe('jobs API', () => {
  // A second queue, so that the queue filter has something to tell apart.
  const ctx = useStack({ env: { QUEUES: 'default,reports' } });

  /** A name no other test of this file uses, so filters by name see only this test's jobs. */
  const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

  async function list(query: string): Promise<Page<JobView>> {
    const page = await ctx.api.request<Page<JobView>>('GET', `/v1/jobs?${query}`);
    expect(page.status).toBe(200);
    return page.body;
  }

  it('should store a job, run it on a worker and keep its history', async () => {
    const before = Date.now();
    const created = await ctx.api.request<JobView>('POST', '/v1/jobs', {
      name: 'hello',
      handler: 'noop',
      payload: { greeting: 'hi' },
    });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/jobs/${created.body.id}`);
    expect(created.headers.get('content-type')).toContain('application/json');
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      name: 'hello',
      handler: 'noop',
      queue: 'default',
      payload: { greeting: 'hi' },
    });
    const scheduledFor = created.body.latestExecution?.scheduledFor ?? '';
    expect(Date.parse(scheduledFor)).toBeGreaterThanOrEqual(before - 5);

    const execution = await ctx.api.waitForExecution(created.body, 'SUCCEEDED');

    expect(execution.jobId).toBe(created.body.id);
    expect(execution.scheduledFor).toBe(scheduledFor);
    expect(execution.result).toEqual({ ok: true, echo: { greeting: 'hi' } });
    expect(execution.lastError).toBeNull();
    expect(execution.attempt).toBe(1);
    expect(execution.attempts).toHaveLength(1);
    expect(execution.attempts?.[0]).toMatchObject({
      attempt: 1,
      outcome: 'SUCCEEDED',
      error: null,
      retryDelayMs: null,
      workerId: expect.any(String),
    });
    expect(Date.parse(execution.queuedAt ?? '')).toBeLessThanOrEqual(Date.parse(execution.startedAt ?? ''));
    expect(Date.parse(execution.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(execution.finishedAt ?? ''));

    const job = await ctx.api.job(created.body.id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.latestExecution?.id).toBe(execution.id);
    expect(job.latestExecution?.status).toBe('SUCCEEDED');
  });

  it("should list a job's executions", async () => {
    const job = await ctx.api.createJob({ name: uniqueName('executions'), handler: 'noop' });
    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    const executions = await ctx.api.request<Page<ExecutionView>>('GET', `/v1/jobs/${job.id}/executions?limit=10`);

    expect(executions.status).toBe(200);
    expect(executions.body.nextCursor).toBeNull();
    expect(executions.body.items).toHaveLength(1);
    expect(executions.body.items[0]).toMatchObject({
      id: execution.id,
      jobId: job.id,
      status: 'SUCCEEDED',
      attempt: 1,
      scheduledFor: execution.scheduledFor,
    });
  });

  it('should list jobs newest first, one cursor page of at most `limit` at a time', async () => {
    const name = uniqueName('paged');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push((await ctx.api.createJob({ name, handler: 'noop', delayMs: AN_HOUR })).id);
    }
    // Same prefix, other name: the name filter matches exactly.
    const other = await ctx.api.createJob({ name: `${name}-other`, handler: 'noop', delayMs: AN_HOUR });

    const pages: Page<JobView>[] = [];
    let cursor: string | null = null;
    do {
      pages.push(await list(`name=${name}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`));
      cursor = pages.at(-1)?.nextCursor ?? null;
    } while (cursor !== null && pages.length < 10);

    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const seen = pages.flatMap((page) => page.items.map((job) => job.id));
    expect(seen).toEqual([...ids].reverse());
    expect(seen).not.toContain(other.id);
    expect(pages.flatMap((page) => page.items).every((job) => job.name === name)).toBe(true);

    // A page size that divides the list exactly ends with a null cursor, not an empty page.
    const whole = await list(`name=${name}&limit=5`);
    expect(whole.items).toHaveLength(5);
    expect(whole.nextCursor).toBeNull();
  });

  it('should filter jobs by status', async () => {
    const name = uniqueName('by-status');
    const done = await ctx.api.createJob({ name, handler: 'noop' });
    const waiting = await ctx.api.createJob({ name, handler: 'noop', delayMs: AN_HOUR });
    await ctx.api.waitForExecution(done, 'SUCCEEDED');
    await ctx.api.waitForExecution(waiting, 'QUEUED');

    const succeeded = await list(`name=${name}&status=SUCCEEDED`);
    const queued = await list(`name=${name}&status=QUEUED`);
    const dead = await list(`name=${name}&status=DEAD`);

    expect(succeeded.items.map((job) => job.id)).toEqual([done.id]);
    expect(queued.items.map((job) => job.id)).toEqual([waiting.id]);
    expect(dead.items).toEqual([]);
    const anyName = await list('status=SUCCEEDED&limit=100');
    expect(anyName.items.every((job) => job.status === 'SUCCEEDED')).toBe(true);
    expect(anyName.items.map((job) => job.id)).toContain(done.id);
  });

  it('should filter jobs by queue', async () => {
    const name = uniqueName('by-queue');
    const report = await ctx.api.createJob({ name, handler: 'noop', queue: 'reports', delayMs: AN_HOUR });
    const usual = await ctx.api.createJob({ name, handler: 'noop', delayMs: AN_HOUR });
    expect(report.queue).toBe('reports');
    expect(usual.queue).toBe('default');

    const reports = await list(`name=${name}&queue=reports`);
    const defaults = await list(`name=${name}&queue=default`);
    const anyName = await list('queue=reports&limit=100');

    expect(reports.items.map((job) => job.id)).toEqual([report.id]);
    expect(defaults.items.map((job) => job.id)).toEqual([usual.id]);
    expect(anyName.items.every((job) => job.queue === 'reports')).toBe(true);
    expect(anyName.items.map((job) => job.id)).toContain(report.id);
  });

  it('should filter jobs by handler', async () => {
    const name = uniqueName('by-handler');
    const sleeping = await ctx.api.createJob({ name, handler: 'sleep', payload: { ms: 1 }, delayMs: AN_HOUR });
    const idle = await ctx.api.createJob({ name, handler: 'noop', delayMs: AN_HOUR });

    const sleeps = await list(`name=${name}&handler=sleep`);
    const noops = await list(`name=${name}&handler=noop`);
    const anyName = await list('handler=sleep&limit=100');

    expect(sleeps.items.map((job) => job.id)).toEqual([sleeping.id]);
    expect(noops.items.map((job) => job.id)).toEqual([idle.id]);
    expect(anyName.items.every((job) => job.handler === 'sleep')).toBe(true);
    expect(anyName.items.map((job) => job.id)).toContain(sleeping.id);
    expect((await list(`name=${name}&handler=http`)).items).toEqual([]);
  });

  it('should filter jobs by whether they recur', async () => {
    const name = uniqueName('by-kind');
    const recurring = await ctx.api.createJob({ name, handler: 'noop', schedule: { cron: '0 0 1 1 *' } });
    const oneOff = await ctx.api.createJob({ name, handler: 'noop', delayMs: AN_HOUR });

    const recurringOnly = await list(`name=${name}&recurring=true`);
    const oneOffOnly = await list(`name=${name}&recurring=false`);
    const anyName = await list('recurring=true&limit=100');

    expect(recurringOnly.items.map((job) => job.id)).toEqual([recurring.id]);
    expect(recurringOnly.items[0]?.schedule).not.toBeNull();
    expect(oneOffOnly.items.map((job) => job.id)).toEqual([oneOff.id]);
    expect(anyName.items.every((job) => job.schedule !== null)).toBe(true);
    expect((await list(`name=${name}&recurring=false&handler=noop`)).items.map((job) => job.id)).toEqual([oneOff.id]);
    await ctx.api.request('DELETE', `/v1/jobs/${recurring.id}`);
  });

  it.each([
    ['recurring', 'yes'],
    ['recurring', 'TRUE'],
    ['handler', 'No Such Handler'],
    ['handler', ''],
  ])('should refuse %s=%j with a 400 naming the parameter', async (parameter, value) => {
    const refused = expectProblem(
      await ctx.api.request('GET', `/v1/jobs?${parameter}=${encodeURIComponent(value)}`),
      400,
      'validation_failed',
    );

    expect(refused.errors?.map((issue) => issue.path)).toEqual([`query.${parameter}`]);
  });

  it('should run a job on a queue other than the default one', async () => {
    const job = await ctx.api.createJob({ name: uniqueName('reports'), handler: 'noop', queue: 'reports' });

    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
  });

  it('should delete a job with its history and then answer 404 for it', async () => {
    const name = uniqueName('to-delete');
    const job = await ctx.api.createJob({ name, handler: 'noop', delayMs: AN_HOUR });

    const deleted = await ctx.api.request('DELETE', `/v1/jobs/${job.id}`);

    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
    expectProblem(await ctx.api.request('GET', `/v1/jobs/${job.id}`), 404, 'job_not_found');
    expectProblem(await ctx.api.request('GET', `/v1/jobs/${job.id}/executions`), 404, 'job_not_found');
    expectProblem(
      await ctx.api.request('GET', `/v1/executions/${job.latestExecution?.id}`),
      404,
      'execution_not_found',
    );
    expectProblem(await ctx.api.request('DELETE', `/v1/jobs/${job.id}`), 404, 'job_not_found');
    expect((await list(`name=${name}`)).items).toEqual([]);
  });

  it('should answer 404 problems for a job that does not exist', async () => {
    expectProblem(await ctx.api.request('GET', `/v1/jobs/${MISSING_ID}`), 404, 'job_not_found');
    expectProblem(await ctx.api.request('DELETE', `/v1/jobs/${MISSING_ID}`), 404, 'job_not_found');
    expectProblem(await ctx.api.request('GET', `/v1/executions/${MISSING_ID}`), 404, 'execution_not_found');
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
    expect(Object.keys(document.body.paths['/v1/jobs/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(Object.keys(document.body.paths['/v1/jobs/{id}/cancel'] ?? {})).toEqual(['post']);
    expect(JSON.stringify(document.body)).not.toContain('#/definitions/');
    const ui = await fetch(`${ctx.stack.apiUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
  });

  it('should report liveness and readiness', async () => {
    expect((await ctx.api.request('GET', '/healthz')).status).toBe(200);
    const ready = await ctx.api.request<{ checks: Record<string, string> }>('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'up', redis: 'up' });
  });

  it('should serve the queue admin UI to operators only', async () => {
    const url = `${ctx.stack.apiUrl}/admin/queues`;
    const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    expect((await fetch(url, { headers: { authorization: basic('wrong-key') } })).status).toBe(401);

    const response = await fetch(url, { headers: { authorization: basic(ctx.stack.env.API_BOOTSTRAP_KEY ?? '') } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });
});

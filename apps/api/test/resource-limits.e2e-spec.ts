import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  type ApiClient,
  type ApiResponse,
  type AttemptView,
  type ExecutionView,
  type HttpTarget,
  type JobView,
  startHttpTarget,
  useStack,
} from '@meridian/testing';

import { expectProblem, type Page } from './support.js';

jest.setTimeout(30_000);

/** An execution as `GET /v1/executions/:id` answers it, with the cursor of its next attempts. */
type PagedExecution = ExecutionView & { attempts: AttemptView[]; attemptsNextCursor: string | null };

describe('resource limits per namespace', () => {
  const ctx = useStack({
    env: { EXECUTION_ERROR_MAX_BYTES: '1024', NAMESPACE_MAX_RECURRING_JOBS: '3', JOB_MAX_DEPENDENCIES: '3' },
  });
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startHttpTarget(() => ({ status: 500, body: { page: 'x'.repeat(100_000) } }));
  });

  afterAll(async () => {
    await target?.close();
  });

  describe('failure output', () => {
    it('should store a note instead of error details over EXECUTION_ERROR_MAX_BYTES, in every attempt', async () => {
      const job = await ctx.api.createJob({
        name: 'loud-failure',
        handler: 'http',
        payload: { url: `${target.url}/error-page` },
        retry: { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 } },
      });

      const execution = await ctx.api.waitForExecution(job, 'DEAD');

      const note = { truncated: true, sizeBytes: expect.any(Number), limitBytes: 1024 };
      expect(execution.lastError).toMatchObject({ code: 'handler_failed', details: note, final: 'exhausted' });
      expect(execution.attempts?.map((attempt) => attempt.error)).toEqual([
        expect.objectContaining({ code: 'handler_failed', message: expect.stringContaining('500'), details: note }),
        expect.objectContaining({ code: 'handler_failed', details: note }),
      ]);
      expect((execution.lastError as { details: { sizeBytes: number } }).details.sizeBytes).toBeGreaterThan(100_000);
    });
  });

  describe('attempts of an execution', () => {
    it('should answer the attempts a page at a time, oldest first, with a cursor to the next page', async () => {
      const job = await ctx.api.createJob({
        name: 'fails-five-times',
        handler: 'sleep',
        payload: { ms: 0, fail: true },
        retry: { maxAttempts: 5, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 } },
      });
      const executionId = (await ctx.api.waitForExecution(job, 'DEAD')).id;

      const pages: number[][] = [];
      let cursor: string | null = '';
      // Bounded, so that an answer without a cursor fails the test instead of looping.
      while (cursor !== null && pages.length < 5) {
        const query: string = cursor === '' ? '' : `&attemptsCursor=${cursor}`;
        const page = await ctx.api.request<PagedExecution>(
          'GET',
          `/v1/executions/${executionId}?attemptsLimit=2${query}`,
        );
        expect(page.status).toBe(200);
        expect(page.body).toMatchObject({ id: executionId, status: 'DEAD', attempt: 5 });
        pages.push(page.body.attempts.map((attempt) => attempt.attempt));
        cursor = page.body.attemptsNextCursor;
      }

      expect(pages).toEqual([[1, 2], [3, 4], [5]]);
      const all = await ctx.api.request<PagedExecution>('GET', `/v1/executions/${executionId}`);
      expect(all.body.attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4, 5]);
      expect(all.body.attemptsNextCursor).toBeNull();
    });

    it('should describe attemptsLimit and attemptsCursor in the OpenAPI document', async () => {
      const document = await ctx.api.request<{
        paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
      }>('GET', '/docs-json');

      const parameters = document.body.paths['/v1/executions/{id}']?.get?.parameters ?? [];
      expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
        expect.arrayContaining(['attemptsLimit', 'attemptsCursor']),
      );
    });

    it.each([
      ['attemptsLimit=0', 'query.attemptsLimit'],
      ['attemptsLimit=101', 'query.attemptsLimit'],
      ['attemptsCursor=bm90LWEtY3Vyc29y', 'query.attemptsCursor'],
      ['limit=5', 'query.limit'],
    ])('should refuse ?%s with a 400 naming the parameter', async (query, path) => {
      const job = await ctx.api.createJob({ name: 'one', handler: 'noop' });

      const answer = await ctx.api.request('GET', `/v1/executions/${job.latestExecution?.id}?${query}`);

      const problem = expectProblem(answer, 400, 'validation_failed');
      expect(problem.errors?.map((error) => error.path)).toContain(path);
    });
  });

  /** An API client acting as a jobs:write key of a namespace of its own. */
  async function tenant(namespace: string): Promise<ApiClient> {
    const created = await ctx.api.request<{ key: string }>('POST', '/v1/keys', {
      name: `${namespace}-writer`,
      namespace,
      scopes: ['jobs:write'],
    });
    return ctx.api.as(created.body.key);
  }

  const recurring = (name: string) => ({ name, handler: 'noop', schedule: { every: '1h' } });

  async function recurringJobsOf(client: ApiClient): Promise<number> {
    const page = await client.request<Page<JobView>>('GET', '/v1/jobs?limit=100');
    return page.body.items.filter((job) => job.schedule !== null).length;
  }

  describe('quota of recurring jobs', () => {
    it('should refuse a recurring job past NAMESPACE_MAX_RECURRING_JOBS with a 422, storing nothing', async () => {
      const client = await tenant('quota-single');
      for (const name of ['r1', 'r2', 'r3']) {
        await client.createJob(recurring(name));
      }

      const refused = await client.request('POST', '/v1/jobs', recurring('r4'));

      const problem = expectProblem(refused, 422, 'recurring_job_quota_exceeded');
      expect(problem.errors?.map((error) => error.path)).toEqual(['schedule']);
      expect(await recurringJobsOf(client)).toBe(3);
      // One-off jobs are not counted, and a recurring job deleted frees its place.
      expect((await client.request('POST', '/v1/jobs', { name: 'one-off', handler: 'noop' })).status).toBe(201);
      const [first] = (await client.request<Page<JobView>>('GET', '/v1/jobs?name=r1')).body.items;
      expect((await client.request('DELETE', `/v1/jobs/${first?.id}`)).status).toBe(204);
      expect((await client.request('POST', '/v1/jobs', recurring('r4'))).status).toBe(201);
    });

    it('should let no two concurrent creates at the quota both pass', async () => {
      const client = await tenant('quota-race');
      await client.createJob(recurring('r1'));

      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => client.request('POST', '/v1/jobs', recurring(`racing-${i}`))),
      );

      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(2);
      expect(answers.filter((answer) => answer.status === 422)).toHaveLength(10);
      expect(await recurringJobsOf(client)).toBe(3);
    });

    it("should count a batch's recurring jobs, and refuse the whole batch past the quota", async () => {
      const client = await tenant('quota-batch');
      await client.createJob(recurring('r1'));

      const refused = await client.request('POST', '/v1/jobs/batch', {
        jobs: [recurring('r2'), { name: 'one-off', handler: 'noop' }, recurring('r3'), recurring('r4')],
      });

      const problem = expectProblem(refused, 422, 'recurring_job_quota_exceeded');
      expect(problem.errors?.map((error) => error.path)).toEqual(['jobs[3].schedule']);
      expect((await client.request<Page<JobView>>('GET', '/v1/jobs?limit=100')).body.items).toHaveLength(1);
      const fits = await client.request('POST', '/v1/jobs/batch', { jobs: [recurring('r2'), recurring('r3')] });
      expect(fits.status).toBe(201);
    });

    it("should apply a namespace's own quota, set by an operator, and show it with the one in effect", async () => {
      const client = await tenant('quota-own');
      const set = await ctx.api.request('PUT', '/v1/namespaces/quota-own/limits', {
        maxConcurrency: null,
        maxRunsPerMinute: null,
        maxRecurringJobs: 1,
      });
      expect(set.body).toMatchObject({ own: { maxRecurringJobs: 1 }, effective: { maxRecurringJobs: 1 } });

      await client.createJob(recurring('r1'));
      expectProblem(await client.request('POST', '/v1/jobs', recurring('r2')), 422, 'recurring_job_quota_exceeded');

      // Left out, the quota stays; null goes back to the configured default.
      const unchanged = await ctx.api.request('PUT', '/v1/namespaces/quota-own/limits', {
        maxConcurrency: 5,
        maxRunsPerMinute: null,
      });
      expect(unchanged.body).toMatchObject({ own: { maxConcurrency: 5, maxRecurringJobs: 1 } });
      // Every limit left out stays as it is, so the quota can be set alone, as the README shows.
      const quotaAlone = await ctx.api.request('PUT', '/v1/namespaces/quota-own/limits', { maxRecurringJobs: 1 });
      expect(quotaAlone.status).toBe(200);
      expect(quotaAlone.body).toMatchObject({
        own: { maxConcurrency: 5, maxRunsPerMinute: null, maxRecurringJobs: 1 },
      });
      const reset = await ctx.api.request('PUT', '/v1/namespaces/quota-own/limits', {
        maxConcurrency: null,
        maxRunsPerMinute: null,
        maxRecurringJobs: null,
      });
      expect(reset.body).toMatchObject({ own: { maxRecurringJobs: null }, effective: { maxRecurringJobs: 3 } });
      expect((await client.request('POST', '/v1/jobs', recurring('r2'))).status).toBe(201);
    });
  });

  describe('fan-in', () => {
    it('should refuse more than JOB_MAX_DEPENDENCIES dependencies, naming the field, on every route', async () => {
      const parents = await Promise.all(
        ['a', 'b', 'c', 'd'].map((name) => ctx.api.createJob({ name, handler: 'noop' })),
      );
      const ids = parents.map((job) => job.id);

      const single = await ctx.api.request('POST', '/v1/jobs', { name: 'sink', handler: 'noop', dependsOn: ids });
      const batch = await ctx.api.request('POST', '/v1/jobs/batch', {
        jobs: [{ name: 'sink', handler: 'noop', dependsOn: ids }],
      });
      const workflow = await ctx.api.request('POST', '/v1/workflows', {
        name: 'fan-in',
        jobs: [
          ...['a', 'b', 'c', 'd'].map((key) => ({ key, name: key, handler: 'noop' })),
          { key: 'sink', name: 'sink', handler: 'noop', dependsOn: ['a', 'b', 'c', 'd'] },
        ],
      });

      const paths = (answer: ApiResponse<unknown>) =>
        expectProblem(answer, 400, 'validation_failed').errors?.map((error) => error.path);
      expect(paths(single)).toEqual(['dependsOn']);
      expect(paths(batch)).toEqual(['jobs[0].dependsOn']);
      expect(paths(workflow)).toEqual(['jobs[4].dependsOn']);
      expect(
        (await ctx.api.request('POST', '/v1/jobs', { name: 'sink', handler: 'noop', dependsOn: ids.slice(0, 3) }))
          .status,
      ).toBe(201);
    });
  });
});

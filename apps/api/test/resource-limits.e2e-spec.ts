import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type AttemptView, type ExecutionView, type HttpTarget, startHttpTarget, useStack } from '@meridian/testing';

import { expectProblem } from './support.js';

jest.setTimeout(30_000);

/** An execution as `GET /v1/executions/:id` answers it, with the cursor of its next attempts. */
type PagedExecution = ExecutionView & { attempts: AttemptView[]; attemptsNextCursor: string | null };

describe('resource limits per namespace', () => {
  const ctx = useStack({ env: { EXECUTION_ERROR_MAX_BYTES: '1024' } });
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
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ExecutionView,
  expectCleanHistory,
  type HttpTarget,
  type JobSummaryView,
  type JobView,
  startHttpTarget,
  useStack,
  waitFor,
} from '@meridian/testing';

interface FanOutResult {
  parts: number;
  succeeded: number;
  failed: number;
  results: unknown[];
  failures: { index: number; status: string; error: { code?: string } | null }[];
}

const ENDED = ['SUCCEEDED', 'DEAD', 'CANCELLED'];

describe('child jobs', () => {
  // One worker, whose log tells how often a parent resumed; big results, for 1,000 parts' echoes.
  const ctx = useStack({
    apps: ['api', 'scheduler', 'worker'],
    env: { WORKER_CONCURRENCY: '20', EXECUTION_RESULT_MAX_BYTES: String(4 * 1024 * 1024) },
  });

  const children = (jobId: string): Promise<JobSummaryView[]> => ctx.api.children(jobId);

  async function ended(job: JobView, timeoutMs = 30_000): Promise<ExecutionView> {
    const executionId = job.latestExecution?.id ?? '';
    return waitFor(
      async () => {
        const execution = await ctx.api.execution(executionId);
        return ENDED.includes(execution.status) ? execution : undefined;
      },
      { timeoutMs, what: `execution ${executionId} to end` },
    );
  }

  const resumedLines = (executionId: string) =>
    (ctx.stack.apps.worker?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes('"parent resumed"') && line.includes(executionId)).length;

  it('should run a fan-out of 1,000 children, each once, and resume the parent once, in its first attempt', async () => {
    const items = Array.from({ length: 10_000 }, (_, n) => n);
    const job = await ctx.api.createJob({
      name: 'fan-out',
      handler: 'fan-out',
      payload: { items, partSize: 10, handler: 'noop', payload: { tag: 'x' } },
    });

    const execution = await ended(job, 60_000);

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.attempt).toBe(1);
    expect(execution.attempts).toHaveLength(1);
    const result = execution.result as FanOutResult;
    expect(result).toMatchObject({ parts: 1000, succeeded: 1000, failed: 0 });
    expect(result.results).toHaveLength(1000);
    expect(result.results[999]).toEqual({ ok: true, echo: { tag: 'x', items: items.slice(9990) } });
    expect(resumedLines(execution.id)).toBe(1);

    const all = await children(job.id);
    expect(all).toHaveLength(1000);
    expect(all.map((child) => child.parent?.index)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    expect(all.every((child) => child.status === 'SUCCEEDED')).toBe(true);
    expect(all[0]?.parent).toEqual({ jobId: job.id, executionId: execution.id, step: 'parts', index: 0 });
    const attempts = await Promise.all(
      all.slice(0, 50).map(async (child) => (await ctx.api.job(child.id)).latestExecution?.attempt),
    );
    expect(attempts.every((attempt) => attempt === 1)).toBe(true);
  }, 90_000);

  describe('a failing child', () => {
    let target: HttpTarget;

    beforeAll(async () => {
      // The part [0] fails (500, and one attempt: DEAD at once); the others answer after `wait` ms.
      target = await startHttpTarget((path, _count, request) =>
        request.body === '[0]' ? { status: 500 } : { status: 200, delayMs: Number(path.split('/').at(-1)) },
      );
    });
    afterAll(async () => {
      await target.close();
    });

    /** Three parts POSTed to the target (the first fails), the others answering after `waitMs`. */
    const fanOutWithAFailure = (onChildFailure: string, waitMs: number) =>
      ctx.api.createJob({
        name: `fan-out ${onChildFailure}`,
        handler: 'fan-out',
        payload: {
          items: [0, 1, 2],
          partSize: 1,
          handler: 'http',
          partField: 'body',
          payload: { url: `${target.url}/parts/${waitMs}` },
          onChildFailure,
          retry: { maxAttempts: 1 },
        },
      });

    it('should fail the parent for good with children_failed under fail_parent, and cancel the siblings', async () => {
      const job = await fanOutWithAFailure('fail_parent', 20_000);

      const execution = await ended(job);

      expect(execution.status).toBe('DEAD');
      expect(execution.attempt).toBe(1);
      const all = await children(job.id);
      expect(execution.lastError).toMatchObject({
        code: 'children_failed',
        details: { step: 'parts', failed: [{ index: 0, jobId: all[0]?.id, status: 'DEAD' }], failedCount: 1 },
      });
      const statuses = await waitFor(
        async () => {
          const now = await children(job.id);
          return now.every((child) => ENDED.includes(child.status)) ? now.map((child) => child.status) : undefined;
        },
        { what: 'every child to end' },
      );
      expect(statuses).toEqual(['DEAD', 'CANCELLED', 'CANCELLED']);
      expect(resumedLines(execution.id)).toBe(0);
    });

    it('should invoke the parent with the succeeded children only under ignore_failed', async () => {
      const job = await fanOutWithAFailure('ignore_failed', 100);

      const execution = await ended(job);

      expect(execution.status).toBe('SUCCEEDED');
      const result = execution.result as FanOutResult;
      expect(result).toMatchObject({ parts: 3, succeeded: 2, failed: 1, failures: [] });
      expect(result.results).toHaveLength(2);
      expect(resumedLines(execution.id)).toBe(1);
    });

    it('should invoke the parent with every outcome under partial', async () => {
      const job = await fanOutWithAFailure('partial', 100);

      const execution = await ended(job);

      expect(execution.status).toBe('SUCCEEDED');
      const result = execution.result as FanOutResult;
      expect(result).toMatchObject({ parts: 3, succeeded: 2, failed: 1 });
      expect(result.results[0]).toBeNull();
      expect(result.results.slice(1).every((value) => value !== null)).toBe(true);
      expect(result.failures).toEqual([
        { index: 0, status: 'DEAD', error: expect.objectContaining({ final: 'exhausted' }) },
      ]);
    });
  });

  describe('a parent cancelled while parked', () => {
    let target: HttpTarget;

    beforeAll(async () => {
      target = await startHttpTarget(() => ({ status: 200, delayMs: 20_000 }));
    });
    afterAll(async () => {
      await target.close();
    });

    it('should cancel every unfinished child, and the parent, when the parent is cancelled while parked', async () => {
      const job = await ctx.api.createJob({
        name: 'fan-out to cancel',
        handler: 'fan-out',
        payload: {
          items: Array.from({ length: 40 }, (_, n) => n),
          partSize: 1,
          handler: 'http',
          partField: 'body',
          payload: { url: `${target.url}/slow` },
        },
      });
      await waitFor(async () => ((await children(job.id)).length === 40 ? true : undefined), { what: '40 children' });
      await waitFor(
        async () => ((await ctx.api.execution(job.latestExecution?.id ?? '')).parkedAt !== null ? true : undefined),
        { what: 'the parent to park' },
      );

      expect((await ctx.api.request('POST', `/v1/jobs/${job.id}/cancel`)).status).toBe(200);

      const execution = await ended(job);
      expect(execution.status).toBe('CANCELLED');
      expect(execution.attempts.map((attempt) => attempt.outcome)).toEqual(['CANCELLED']);
      const statuses = await waitFor(
        async () => {
          const all = await children(job.id);
          return all.every((child) => ENDED.includes(child.status)) ? all.map((child) => child.status) : undefined;
        },
        { what: 'every child to end' },
      );
      expect(statuses.every((status) => status === 'CANCELLED')).toBe(true);
      expect(resumedLines(execution.id)).toBe(0);
    });
  });

  it('should leave a history that keeps every invariant, parked parents and children included', async () => {
    const history = await expectCleanHistory(ctx.stack.database.url, { timeoutMs: 30_000 });

    expect(history.violations).toEqual([]);
  });
});

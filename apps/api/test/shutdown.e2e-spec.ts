import { describe, expect, it } from '@jest/globals';
import { type AppProcess, useStack } from '@meridian/testing';

/**
 * Each test starts the workers it needs and stops them before it ends, so no worker of one test
 * can pick up another test's job.
 */
describe('graceful shutdown', () => {
  const ctx = useStack({ apps: ['api', 'scheduler'], env: { WORKER_SHUTDOWN_GRACE_MS: '10000' } });

  async function withWorkers<T>(run: (workers: AppProcess[]) => Promise<T>): Promise<T> {
    const workers: AppProcess[] = [];
    try {
      return await run(workers);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    }
  }

  it('should let an in-flight attempt finish before the worker exits 0 on SIGTERM', async () => {
    await withWorkers(async (workers) => {
      const worker = await ctx.stack.start('worker');
      workers.push(worker);
      const job = await ctx.api.createJob({ name: 'finishes', handler: 'sleep', payload: { ms: 1500 } });
      await ctx.api.waitForExecution(job, 'RUNNING');

      const exitCode = await worker.stop('SIGTERM');

      expect(exitCode).toBe(0);
      // Finished before the process ended: no other worker exists to have finished it.
      const execution = await ctx.api.execution(job.latestExecution?.id ?? '');
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.result).toEqual({ sleptMs: 1500 });
      expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
      expect(worker.output()).toContain('worker stopped');
    });
  }, 30_000);

  it('should hand a long attempt back to the queue when the grace period ends, for another worker to run', async () => {
    await withWorkers(async (workers) => {
      const impatient = await ctx.stack.start('worker', { WORKER_SHUTDOWN_GRACE_MS: '500' });
      workers.push(impatient);
      // A single allowed attempt: being handed back must not use it up.
      const job = await ctx.api.createJob({
        name: 'handed-back',
        handler: 'sleep',
        payload: { ms: 3000 },
        retry: { maxAttempts: 1 },
      });
      await ctx.api.waitForExecution(job, 'RUNNING');

      const exitCode = await impatient.stop('SIGTERM');

      expect(exitCode).toBe(0);
      const released = await ctx.api.execution(job.latestExecution?.id ?? '');
      expect(released.status).toBe('QUEUED');
      expect(released.attempts?.map((attempt) => attempt.outcome)).toEqual(['INTERRUPTED']);
      // Interrupted, not slept to the end.
      expect(released.attempts?.[0]?.durationMs).toBeLessThan(3000);

      const successor = await ctx.stack.start('worker');
      workers.push(successor);
      const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');
      const [interrupted, succeeded] = execution.attempts ?? [];
      expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['INTERRUPTED', 'SUCCEEDED']);
      expect(execution.attempts?.map((attempt) => attempt.attempt)).toEqual([1, 2]);
      expect(succeeded?.workerId).not.toBe(interrupted?.workerId);
      expect(Date.parse(succeeded?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(interrupted?.finishedAt ?? ''));
      // A hand-back is not a failure: no backoff was spent on it.
      expect(interrupted?.error).toBeNull();
      expect(interrupted?.retryDelayMs).toBeNull();
      expect(await successor.stop('SIGTERM')).toBe(0);
    });
  }, 40_000);

  it('should stop the api and the scheduler with exit code 0 on SIGTERM', async () => {
    const api = await ctx.stack.start('api', { API_PORT: '0' });
    const scheduler = await ctx.stack.start('scheduler');

    expect(await api.stop('SIGTERM')).toBe(0);
    expect(await scheduler.stop('SIGTERM')).toBe(0);
  }, 30_000);
});

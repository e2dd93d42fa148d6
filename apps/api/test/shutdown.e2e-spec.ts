import { describe, expect, it } from '@jest/globals';
import { useStack } from '@meridian/testing';

describe('graceful shutdown', () => {
  const ctx = useStack({ apps: ['api', 'scheduler'], env: { WORKER_SHUTDOWN_GRACE_MS: '10000' } });

  it('should let an in-flight attempt finish before the worker exits 0 on SIGTERM', async () => {
    const worker = await ctx.stack.start('worker');
    const job = await ctx.api.createJob({ name: 'finishes', handler: 'sleep', payload: { ms: 1500 } });
    await ctx.api.waitForExecution(job, 'RUNNING');

    const exitCode = await worker.stop('SIGTERM');

    expect(exitCode).toBe(0);
    const execution = await ctx.api.execution(job.latestExecution?.id ?? '');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
  }, 30_000);

  it('should hand a long attempt back to the queue when the grace period ends, for another worker to run', async () => {
    const impatient = await ctx.stack.start('worker', { WORKER_SHUTDOWN_GRACE_MS: '300' });
    const job = await ctx.api.createJob({ name: 'handed-back', handler: 'sleep', payload: { ms: 3000 } });
    await ctx.api.waitForExecution(job, 'RUNNING');

    const exitCode = await impatient.stop('SIGTERM');

    expect(exitCode).toBe(0);
    const released = await ctx.api.execution(job.latestExecution?.id ?? '');
    expect(released.status).toBe('QUEUED');
    expect(released.attempts?.map((attempt) => attempt.outcome)).toEqual(['INTERRUPTED']);

    const successor = await ctx.stack.start('worker');
    const execution = await ctx.api.waitForExecution(job, 'SUCCEEDED');
    expect(execution.attempts?.map((attempt) => attempt.outcome)).toEqual(['INTERRUPTED', 'SUCCEEDED']);
    expect(await successor.stop('SIGTERM')).toBe(0);
  }, 40_000);

  it('should stop the api and the scheduler with exit code 0 on SIGTERM', async () => {
    const api2 = await ctx.stack.start('api', { API_PORT: '0' });
    const scheduler2 = await ctx.stack.start('scheduler');

    expect(await api2.stop('SIGTERM')).toBe(0);
    expect(await scheduler2.stop('SIGTERM')).toBe(0);
  }, 30_000);
});

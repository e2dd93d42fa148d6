import { describe, expect, it } from '@jest/globals';
import { deleteRedisPrefix, useStack } from '@meridian/testing';

/**
 * Faults lose nothing: Redis is only the dispatch layer, so losing it (or a worker with it) must
 * leave every execution to be run from what Postgres holds.
 */
describe('recovery from lost Redis state', () => {
  const ctx = useStack({ env: { RECONCILE_INTERVAL_MS: '200', RECONCILE_GRACE_MS: '0' } });

  it('should run a delayed job exactly once after every Redis key was deleted while it waited', async () => {
    const job = await ctx.api.createJob({ name: 'survives-flush', handler: 'noop', delayMs: 1500 });
    await ctx.api.waitForExecution(job, 'QUEUED');

    await deleteRedisPrefix(ctx.stack.redisPrefix);

    const done = await ctx.api.waitForExecution(job, 'SUCCEEDED');
    expect(done.attempts?.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
  });

  it('should finish a running job whose worker was killed and whose Redis state was lost', async () => {
    const job = await ctx.api.createJob({ name: 'survives-crash', handler: 'sleep', payload: { ms: 1500 } });
    await ctx.api.waitForExecution(job, 'RUNNING');

    await ctx.stack.apps.worker?.stop('SIGKILL');
    await deleteRedisPrefix(ctx.stack.redisPrefix);
    await ctx.stack.start('worker');

    const done = await ctx.api.waitForExecution(job, 'SUCCEEDED', 30_000);
    expect(done.attempts?.map((attempt) => attempt.outcome)).toEqual(['INTERRUPTED', 'SUCCEEDED']);
  }, 40_000);
});

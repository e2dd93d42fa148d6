import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  expectCleanHistory,
  type HttpTarget,
  type PrivateRedis,
  startHttpTarget,
  startPrivateRedis,
  useStack,
  waitFor,
} from '@meridian/testing';

import { DirectDatabase, report } from './fault-support.js';

jest.setTimeout(120_000);

const PARTS = 30;

/**
 * FLUSHALL on the deployment's Redis while a fan-out's parent waits parked in BullMQ's
 * waiting-children and its children are queued or running: the parent's BullMQ job and the links
 * to its children are gone. The pass after the loss enqueues the queued children and the parked
 * parent again; the parent resumes its attempt, finds children unfinished, parks again (re-linking
 * them) and resumes once when the last has ended. The reconciler keeps its default grace (60 s), so
 * only that immediate pass can make the waits below.
 */
describe('a Redis flushed while a parent waits for its children', () => {
  let redis: PrivateRedis | undefined;
  let target: HttpTarget;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    target = await startHttpTarget(() => ({ status: 200, delayMs: 1000 }));
  });
  const ctx = useStack(() => ({ apps: ['api', 'scheduler', 'worker'], route: { redis: redis!.url } }));
  afterAll(async () => {
    await target.close();
    await redis?.stop();
  });

  it('should run every child once and resume the parent once, in its first attempt', async () => {
    const db = new DirectDatabase(ctx.stack.database.url);
    try {
      const parent = await ctx.api.createJob({
        name: 'fan-out',
        handler: 'fan-out',
        payload: {
          items: Array.from({ length: PARTS }, (_, n) => n),
          partSize: 1,
          handler: 'http',
          partField: 'body',
          payload: { url: `${target.url}/part` },
        },
      });
      const parentExecution = parent.latestExecution?.id ?? '';
      await waitFor(async () => ((await ctx.api.execution(parentExecution)).parkedAt !== null ? true : undefined), {
        what: 'the parent to park',
      });

      await redis!.flushAll();
      const flushedAt = Date.now();

      const execution = await waitFor(
        async () => {
          const now = await ctx.api.execution(parentExecution);
          return now.status === 'SUCCEEDED' || now.status === 'DEAD' ? now : undefined;
        },
        { timeoutMs: 50_000, what: 'the parent to end, before the reconciler grace of 60 s' },
      );
      const recoverySeconds = (Date.now() - flushedAt) / 1000;
      const history = await expectCleanHistory(ctx.stack.database.url, {
        acknowledgedJobIds: [parent.id],
        timeoutMs: 60_000,
      });
      const children = await ctx.api.children(parent.id);
      const lines = (ctx.stack.apps.worker?.output() ?? '')
        .split('\n')
        .filter((line) => line.includes(parentExecution));
      const count = (message: string) => lines.filter((line) => line.includes(`"${message}`)).length;
      const resumed = count('parent resumed');
      report('redis FLUSHALL under a parked parent', {
        children: children.length,
        recoverySeconds,
        parks: count('parent parked'),
        polls: count('BullMQ holds none'),
        counts: history.counts,
      });

      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.attempts.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
      expect(execution.result).toMatchObject({ parts: PARTS, succeeded: PARTS, failed: 0 });
      expect(resumed).toBe(1);
      expect(await db.statusCounts(children.map((child) => child.id))).toEqual({ SUCCEEDED: PARTS });
    } finally {
      await db.end();
    }
  });
});

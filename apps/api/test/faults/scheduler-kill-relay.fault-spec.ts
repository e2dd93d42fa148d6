import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { type AppProcess, expectCleanHistory, useStack, waitFor } from '@meridian/testing';
import { Redis } from 'ioredis';

import { createInBatches, DirectDatabase, report } from './fault-support.js';

jest.setTimeout(150_000);

const JOBS = 5000;

/**
 * The scheduler killed with -9 while its outbox relay moves a 5,000-job batch into BullMQ: the rows
 * it had not deleted yet are relayed again by its successor, and since a BullMQ job's id is its
 * execution's id, a row relayed twice adds nothing. BullMQ ends up holding each execution once.
 */
describe('the scheduler killed during the relay of a batch', () => {
  // The reconciler's default grace (a minute) is longer than the scenario, so the relay alone must
  // make up for the kill. No scheduler yet: the batch waits whole in the outbox, so the kill is sure to land mid-relay.
  const ctx = useStack({ apps: ['api'] });
  let db: DirectDatabase | undefined;
  let redis: Redis | undefined;
  const apps: AppProcess[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await db?.end();
    redis?.disconnect();
  });

  /** The ids of every BullMQ job of the default queue, wherever it waits. */
  async function queuedIds(): Promise<string[]> {
    redis ??= new Redis(ctx.stack.env.REDIS_URL ?? '', { maxRetriesPerRequest: 3 });
    const key = (type: string) => `${ctx.stack.redisPrefix}:default:${type}`;
    const [waiting, prioritized, delayed, active] = await Promise.all([
      redis.lrange(key('wait'), '0', '-1'),
      redis.zrange(key('prioritized'), '0', '-1'),
      redis.zrange(key('delayed'), '0', '-1'),
      redis.lrange(key('active'), '0', '-1'),
    ]);
    return [...waiting, ...prioritized, ...delayed, ...active];
  }

  async function outboxRows(): Promise<number> {
    const [row] = (await db?.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`)) ?? [];
    return row?.n ?? 0;
  }

  it('should put every execution in BullMQ exactly once, and run each once', async () => {
    db = new DirectDatabase(ctx.stack.database.url);
    const jobIds = await createInBatches(
      ctx.api,
      Array.from({ length: JOBS }, (_, n) => ({ name: 'relayed', handler: 'noop', payload: { n } })),
    );
    expect(await outboxRows()).toBe(JOBS);

    // Small relay batches, so that the relay is still going when the kill comes.
    const relay = { OUTBOX_BATCH_SIZE: '50' };
    const first = await ctx.stack.start('scheduler', relay);
    apps.push(first);
    // Killed as soon as BullMQ holds the first relayed jobs: most likely before the relay has deleted
    // their outbox rows, so that its successor relays them again.
    await waitFor(async () => ((await queuedIds()).length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 2,
      what: 'the relay to be under way',
    });
    await first.stop('SIGKILL');
    const relayedAtKill = (await queuedIds()).length;
    const outboxAfterKill = await outboxRows();

    apps.push(await ctx.stack.start('scheduler', relay));
    await waitFor(async () => ((await outboxRows()) === 0 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the outbox to be relayed whole',
    });
    const queued = await queuedIds();
    const executionIds = (
      await db.query<{ id: string }>('SELECT id FROM executions WHERE job_id = ANY($1::uuid[])', [jobIds])
    ).map((row) => row.id);
    report('scheduler kill -9 mid-relay', {
      jobs: JOBS,
      inBullMqAtKill: relayedAtKill,
      outboxAfterKill,
      // Rows whose BullMQ jobs were added but that the kill kept from being deleted: relayed twice.
      relayedTwice: relayedAtKill - (JOBS - outboxAfterKill),
      inBullMqAfterRestart: queued.length,
    });
    expect(relayedAtKill).toBeLessThan(JOBS);
    expect(queued).toHaveLength(new Set(queued).size);
    expect([...queued].sort()).toEqual([...executionIds].sort());

    apps.push(await ctx.stack.start('worker', { WORKER_CONCURRENCY: '50' }));
    const history = await expectCleanHistory(ctx.stack.database.url, { acknowledgedJobIds: jobIds, timeoutMs: 90_000 });
    report('scheduler kill -9 mid-relay, after the run', { counts: history.counts });
    expect(history.counts.byStatus).toEqual({ SUCCEEDED: JOBS });
    expect(history.counts.byOutcome).toEqual({ SUCCEEDED: JOBS });
  });
});

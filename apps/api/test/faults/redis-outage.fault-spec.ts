import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  expectCleanHistory,
  FaultProxy,
  type PrivateRedis,
  proxiedUrl,
  startPrivateRedis,
  useStack,
  waitFor,
} from '@meridian/testing';

import { DirectDatabase, OUTAGE_MS, report } from './fault-support.js';

jest.setTimeout(120_000);

/** Create requests in flight at once, all through the outage. */
const CLIENTS = 4;
/** Load before the cut and after the restore, so both edges of the outage are under load. */
const MARGIN_MS = 2000;

/**
 * Redis out of reach of every app (a proxy between them and their Redis refuses and drops every
 * connection) for the outage time, while clients keep creating jobs. A create never waits for Redis
 * (the outbox), so each answers 201, or at worst a clear 503, never a 500; once Redis is back the
 * relay enqueues what waited in the outbox, and every acknowledged job runs. Redis keeps its data.
 */
describe('Redis unreachable under a create load', () => {
  let redis: PrivateRedis | undefined;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    proxy = await FaultProxy.start({ host: '127.0.0.1', port: redis.port });
  });
  const ctx = useStack(() => ({ route: { redis: proxiedUrl(redis!.url, proxy!) } }));
  afterAll(async () => {
    proxy?.restore();
    await proxy?.close();
    await redis?.stop();
  });

  it('should answer every create 201 or 503, and run every acknowledged job once Redis is back', async () => {
    const db = new DirectDatabase(ctx.stack.database.url);
    try {
      const acknowledged: string[] = [];
      const statuses: Record<string, number> = {};
      let stop = false;
      let created = 0;
      const client = async () => {
        while (!stop) {
          const response = await ctx.api.request<{ id?: string }>(
            'POST',
            '/v1/jobs',
            { name: `load-${created++}`, handler: 'noop' },
            { Prefer: 'return=minimal' },
          );
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.status === 201 && response.body.id !== undefined) {
            acknowledged.push(response.body.id);
          }
        }
      };
      const load = Promise.all(Array.from({ length: CLIENTS }, () => client()));

      await new Promise((resolve) => setTimeout(resolve, MARGIN_MS));
      proxy!.cut();
      const cutAt = Date.now();
      const beforeCut = acknowledged.length;
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      const duringOutage = acknowledged.length - beforeCut;
      proxy!.restore();
      const restoredAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, MARGIN_MS));
      stop = true;
      await load;

      await waitFor(
        async () => ((await db.statusCounts(acknowledged)).SUCCEEDED === acknowledged.length ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 250, what: 'every acknowledged job to succeed' },
      );
      const recoverySeconds = (Date.now() - restoredAt) / 1000;
      const history = await expectCleanHistory(ctx.stack.database.url, { acknowledgedJobIds: acknowledged });
      report('redis unreachable under create load', {
        outageSeconds: (restoredAt - cutAt) / 1000,
        answers: statuses,
        acknowledged: acknowledged.length,
        acknowledgedDuringOutage: duringOutage,
        recoverySeconds,
        counts: history.counts,
      });

      expect(Object.keys(statuses).filter((status) => status !== '201' && status !== '503')).toEqual([]);
      expect(duringOutage).toBeGreaterThan(0);
      expect(await db.statusCounts(acknowledged)).toEqual({ SUCCEEDED: acknowledged.length });
    } finally {
      await db.end();
    }
  });
});

import { describe, expect, it, jest } from '@jest/globals';
import { expectCleanHistory, waitFor } from '@meridian/testing';

import { createInBatches, type DirectDatabase, report, useWorkerScenario } from './fault-support.js';

jest.setTimeout(180_000);

const JOBS = 10_000;

/**
 * A burst of 10,000 jobs through the batch route, run by two workers, one of which is killed with -9
 * half-way: the survivor and the stalled-job check take over the victim's share, and every job still
 * succeeds exactly once.
 */
describe('a 10,000-job burst with a worker killed half-way', () => {
  const { ctx, db: openDatabase, startWorker } = useWorkerScenario();
  let db: DirectDatabase | undefined;

  it('should succeed 10,000 executions, each with exactly one SUCCEEDED attempt', async () => {
    db = openDatabase();
    const [victim] = await Promise.all([
      startWorker({ WORKER_ID: 'victim', WORKER_CONCURRENCY: '50' }),
      startWorker({ WORKER_ID: 'survivor', WORKER_CONCURRENCY: '50' }),
    ]);
    // A noop attempt ends within a millisecond of its start, so a kill could find none in between;
    // one job in 100 sleeps, so that some always are.
    const started = Date.now();
    const jobIds = await createInBatches(
      ctx.api,
      Array.from({ length: JOBS }, (_, n) =>
        n % 100 === 0 ? { name: 'burst', handler: 'sleep', payload: { ms: 1000 } } : { name: 'burst', handler: 'noop' },
      ),
    );
    const createdSeconds = (Date.now() - started) / 1000;
    await waitFor(
      async () => {
        const [row] = await db!.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM executions WHERE status = 'SUCCEEDED'`,
        );
        return (row?.n ?? 0) >= JOBS / 2 || undefined;
      },
      { timeoutMs: 90_000, intervalMs: 20, what: 'half of the burst to succeed' },
    );

    await victim.stop('SIGKILL');
    const killedAt = Date.now();

    const history = await expectCleanHistory(ctx.stack.database.url, {
      acknowledgedJobIds: jobIds,
      timeoutMs: 120_000,
    });
    const [end] = await db.query<{ last: Date }>('SELECT max(finished_at) AS last FROM executions');
    report('10,000-job burst, worker kill -9 half-way', {
      jobs: JOBS,
      createdSeconds,
      totalSeconds: ((end?.last.getTime() ?? Number.NaN) - started) / 1000,
      recoverySeconds: ((end?.last.getTime() ?? Number.NaN) - killedAt) / 1000,
      counts: history.counts,
    });

    expect(history.counts.byStatus).toEqual({ SUCCEEDED: JOBS });
    expect(history.counts.byOutcome.SUCCEEDED).toBe(JOBS);
    const [ranOn] = await db.query<{ victim: number; survivor: number }>(
      `SELECT count(*) FILTER (WHERE worker_id = 'victim')::int AS victim,
              count(*) FILTER (WHERE worker_id = 'survivor')::int AS survivor
         FROM execution_attempts WHERE outcome = 'SUCCEEDED'`,
    );
    // Both ran part of the burst: the kill came in the middle of it, not after.
    expect(ranOn?.victim).toBeGreaterThan(0);
    expect(ranOn?.survivor).toBeGreaterThan(0);
  });
});

import { describe, expect, it, jest } from '@jest/globals';
import { expectCleanHistory, waitFor } from '@meridian/testing';

import { createInBatches, type DirectDatabase, report, useWorkerScenario } from './fault-support.js';

jest.setTimeout(120_000);

/**
 * A worker stopped with SIGTERM while it runs at full concurrency (a rolling deploy): attempts that
 * end within WORKER_SHUTDOWN_GRACE_MS finish there, the rest are handed back to the queue as
 * INTERRUPTED, without an error, a backoff, or spending one of the job's attempts.
 */
describe('a worker stopped with SIGTERM under load', () => {
  const { ctx, db: openDatabase, startWorker } = useWorkerScenario();
  let db: DirectDatabase | undefined;

  it('should let short attempts finish and hand long ones back without spending an attempt', async () => {
    db = openDatabase();
    const draining = await startWorker({
      WORKER_ID: 'draining',
      WORKER_CONCURRENCY: '20',
      WORKER_SHUTDOWN_GRACE_MS: '1500',
    });
    // One attempt each: an attempt spent on the hand-back would leave the job DEAD.
    const jobIds = await createInBatches(
      ctx.api,
      Array.from({ length: 60 }, (_, n) => ({
        name: `deploy-${n}`,
        handler: 'sleep',
        payload: { ms: n % 2 === 0 ? 300 : 8000 },
        retry: { maxAttempts: 1 },
      })),
    );
    await waitFor(async () => ((await db?.statusCounts(jobIds))?.RUNNING ?? 0) >= 15 || undefined, {
      timeoutMs: 30_000,
      what: 'the worker to run fifteen attempts at once',
    });

    expect(await draining.stop('SIGTERM')).toBe(0);

    // Nothing the worker held is left RUNNING once it has exited: each attempt finished or was handed back.
    const atExit = await db.attemptHistories(jobIds);
    expect(atExit.filter((execution) => execution.outcomes.includes('RUNNING'))).toEqual([]);
    const handedBack = atExit.filter((execution) => execution.outcomes.includes('INTERRUPTED'));
    const finishedInGrace = atExit.filter((execution) => execution.outcomes.includes('SUCCEEDED'));
    expect(handedBack.length).toBeGreaterThan(0);
    expect(handedBack.filter((execution) => execution.status !== 'QUEUED')).toEqual([]);

    await startWorker({ WORKER_ID: 'successor', WORKER_CONCURRENCY: '40' });
    const history = await expectCleanHistory(ctx.stack.database.url, { acknowledgedJobIds: jobIds, timeoutMs: 90_000 });
    report('worker SIGTERM under load', {
      jobs: jobIds.length,
      succeededBeforeExit: finishedInGrace.length,
      handedBack: handedBack.length,
      counts: history.counts,
    });

    expect(await db.statusCounts(jobIds)).toEqual({ SUCCEEDED: jobIds.length });
    const handBacks = await db.query<{ error: unknown; retry_delay_ms: number | null; worker_id: string }>(
      `SELECT a.error, a.retry_delay_ms, a.worker_id FROM execution_attempts a JOIN executions e ON e.id = a.execution_id
        WHERE e.job_id = ANY($1::uuid[]) AND a.outcome = 'INTERRUPTED'`,
      [jobIds],
    );
    expect(handBacks).toEqual(handedBack.map(() => ({ error: null, retry_delay_ms: null, worker_id: 'draining' })));
  });
});

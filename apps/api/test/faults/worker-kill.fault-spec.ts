import { describe, expect, it, jest } from '@jest/globals';
import { expectCleanHistory, waitFor } from '@meridian/testing';

import { createInBatches, type DirectDatabase, report, useWorkerScenario } from './fault-support.js';

jest.setTimeout(150_000);

/**
 * A worker killed with -9 in the middle of its attempts: nothing tells BullMQ, so its deliveries come
 * back once their lock expires (WORKER_LOCK_DURATION_MS) and the stalled check
 * (WORKER_STALLED_INTERVAL_MS) hands them to another worker, which records the lost attempt as
 * INTERRUPTED and runs the execution again.
 */
describe('a worker killed mid-attempt', () => {
  const { ctx, db: openDatabase, startWorker } = useWorkerScenario();
  let db: DirectDatabase | undefined;

  it('should run every job to one success, each interrupted attempt followed by a successful one', async () => {
    db = openDatabase();
    const victim = await startWorker({ WORKER_ID: 'victim', WORKER_CONCURRENCY: '10' });
    const jobIds = await createInBatches(
      ctx.api,
      Array.from({ length: 30 }, (_, n) => ({ name: `sleeper-${n}`, handler: 'sleep', payload: { ms: 2000 } })),
    );
    await waitFor(async () => ((await db?.statusCounts(jobIds))?.RUNNING ?? 0) >= 10 || undefined, {
      timeoutMs: 30_000,
      what: 'the victim to run ten attempts at once',
    });

    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    const [atKill] = await db.query<{ running: number }>(
      `SELECT count(*)::int AS running FROM execution_attempts a JOIN executions e ON e.id = a.execution_id
        WHERE e.job_id = ANY($1::uuid[]) AND a.outcome = 'RUNNING'`,
      [jobIds],
    );
    await startWorker({ WORKER_ID: 'successor', WORKER_CONCURRENCY: '10' });

    const history = await expectCleanHistory(ctx.stack.database.url, {
      acknowledgedJobIds: jobIds,
      timeoutMs: 120_000,
    });
    const [end] = await db.query<{ last: Date }>(
      'SELECT max(finished_at) AS last FROM executions WHERE job_id = ANY($1::uuid[])',
      [jobIds],
    );
    const recoverySeconds = ((end?.last.getTime() ?? Number.NaN) - killedAt) / 1000;
    const running = atKill?.running ?? 0;
    const executions = await db.attemptHistories(jobIds);
    const interrupted = executions.filter((execution) => execution.outcomes.includes('INTERRUPTED'));
    report('worker kill -9', {
      jobs: jobIds.length,
      runningAtKill: running,
      interrupted: interrupted.length,
      recoverySeconds,
      counts: history.counts,
    });

    expect(await db.statusCounts(jobIds)).toEqual({ SUCCEEDED: jobIds.length });
    // Each attempt the kill cut short is INTERRUPTED, on the victim, and the next one succeeded elsewhere.
    expect(running).toBeGreaterThan(0);
    expect(interrupted.length).toBeGreaterThanOrEqual(running);
    expect(interrupted.filter((execution) => execution.outcomes.join() !== 'INTERRUPTED,SUCCEEDED')).toEqual([]);
    expect(interrupted.filter((execution) => execution.workers.join() !== 'victim,successor')).toEqual([]);
    expect(
      executions.filter((execution) => !execution.outcomes.includes('INTERRUPTED')).map((e) => e.outcomes.join()),
    ).toEqual(executions.filter((execution) => !execution.outcomes.includes('INTERRUPTED')).map(() => 'SUCCEEDED'));
    // Far below what BullMQ's own defaults (a 30 s lock, a 30 s stalled interval) would take at worst.
    expect(recoverySeconds).toBeLessThan(120);
  });
});

import { afterAll, describe, expect, it, jest } from '@jest/globals';
import {
  type AppProcess,
  expectCleanHistory,
  FaultProxy,
  proxiedUrl,
  TEST_REDIS_URL,
  useStack,
  waitFor,
} from '@meridian/testing';

import { DirectDatabase, report } from './fault-support.js';

jest.setTimeout(120_000);

/** A short lock, so that the cut worker loses its attempt well before its handler ends. */
const LOCK_MS = 3000;
const SLEEP_MS = 15_000;

/** The cut worker's log line of a handler's success, once it has written one. */
function successLogOf(worker: AppProcess): { attempt: number; applied: boolean } | undefined {
  const line = worker
    .output()
    .split('\n')
    .find((text) => text.includes('"msg":"attempt succeeded"'));
  return line === undefined ? undefined : (JSON.parse(line) as { attempt: number; applied: boolean });
}

/**
 * A worker that still reaches Postgres but no longer Redis, while it runs an attempt: it cannot renew
 * its BullMQ lock, so the stalled check of another worker hands the delivery to it, which starts a
 * second attempt. The cut worker's handler still finishes, but its result concerns an attempt that is
 * no longer the execution's: the conditional write refuses it, and only the second attempt counts.
 */
describe('a worker cut from Redis while it runs an attempt', () => {
  const ctx = useStack({
    apps: ['api', 'scheduler'],
    env: { WORKER_LOCK_DURATION_MS: String(LOCK_MS), WORKER_STALLED_INTERVAL_MS: '1000' },
  });
  let proxy: FaultProxy | undefined;
  let db: DirectDatabase | undefined;
  const workers: AppProcess[] = [];

  afterAll(async () => {
    proxy?.restore();
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await proxy?.close();
    await db?.end();
  });

  it('should run the execution again elsewhere and refuse the cut worker’s late result', async () => {
    db = new DirectDatabase(ctx.stack.database.url);
    const redis = new URL(TEST_REDIS_URL);
    proxy = await FaultProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
    // At debug, a worker logs each success with whether Postgres took it (`applied`).
    const cut = await ctx.stack.start('worker', {
      WORKER_ID: 'cut',
      REDIS_URL: proxiedUrl(TEST_REDIS_URL, proxy),
      LOG_LEVEL: 'debug',
    });
    workers.push(cut);
    const job = await ctx.api.createJob({ name: 'long-sleeper', handler: 'sleep', payload: { ms: SLEEP_MS } });
    await ctx.api.waitForExecution(job, 'RUNNING', 30_000);

    proxy.stall();
    const cutAt = Date.now();
    workers.push(await ctx.stack.start('worker', { WORKER_ID: 'healthy' }));
    const takenOver = await waitFor(
      async () => {
        const [execution] = await db!.attemptHistories([job.id]);
        return execution?.workers.length === 2 ? execution : undefined;
      },
      { timeoutMs: 60_000, what: 'a second attempt on the healthy worker' },
    );
    const takeoverSeconds = (Date.now() - cutAt) / 1000;
    // The cut worker's handler is still sleeping: its result is yet to come, and must lose.
    const [firstAttempt] = await db.query<{ outcome: string }>(
      `SELECT a.outcome::text AS outcome FROM execution_attempts a JOIN executions e ON e.id = a.execution_id
        WHERE e.job_id = $1 AND a.attempt = 1`,
      [job.id],
    );

    // Redis is still out of the cut worker's reach when its handler ends: only Postgres can refuse it.
    const lateResult = await waitFor(() => Promise.resolve(successLogOf(cut)), {
      timeoutMs: 60_000,
      what: 'the cut worker to finish its handler',
    });
    proxy.restore();
    const finished = await ctx.api.waitForExecution(job, 'SUCCEEDED', 60_000);

    const history = await expectCleanHistory(ctx.stack.database.url, { acknowledgedJobIds: [job.id] });
    const [execution] = await db.attemptHistories([job.id]);
    report('worker cut from Redis', {
      lockMs: LOCK_MS,
      takeoverSeconds,
      attemptOneWhenTakenOver: firstAttempt?.outcome,
      lateResult: { attempt: lateResult.attempt, applied: lateResult.applied },
      attempts: execution?.outcomes,
      workers: execution?.workers,
      counts: history.counts,
    });

    expect(takenOver.workers).toEqual(['cut', 'healthy']);
    expect(firstAttempt?.outcome).toBe('INTERRUPTED');
    expect(lateResult).toMatchObject({ attempt: 1, applied: false });
    expect(finished.attempt).toBe(2);
    expect(execution).toMatchObject({
      status: 'SUCCEEDED',
      outcomes: ['INTERRUPTED', 'SUCCEEDED'],
      workers: ['cut', 'healthy'],
    });
  });
});

import { expect } from '@jest/globals';
import { expectCleanHistory, type StackContext, waitFor } from '@meridian/testing';
import { Queue } from 'bullmq';

import { createInBatches, DirectDatabase, report } from './fault-support.js';

/** The queue every job of the scenario goes to (the default one). */
const QUEUE = 'default';
const DELAYED_JOBS = 20;
const PERIOD_MS = 2000;
/** Occurrences of the recurring job the scenario watches after the loss. */
const OCCURRENCES_AFTER = 4;

/**
 * Redis loses everything Meridian keeps in it (`lose`) while delayed jobs wait and a run of an
 * every-2-s recurring job waits in the queue: every delayed job still runs, the lost run runs, and
 * the recurring job goes on with one execution per occurrence, none skipped as overlapping with
 * the lost run (under the default overlap policy, skip).
 *
 * The stack runs with the reconciler's default grace (60 s): the waits below end well before it,
 * so only the immediate rebuild after the loss can pass them.
 */
export async function expectRedisDataLossHealed(
  ctx: StackContext,
  redisUrl: string,
  scenario: string,
  lose: () => Promise<void>,
): Promise<void> {
  const db = new DirectDatabase(ctx.stack.database.url);
  try {
    const recurring = await ctx.api.createJob({ name: 'every-2s', handler: 'noop', schedule: { every: '2s' } });
    await ctx.api.waitForOccurrences(recurring.id, 1);
    const start = Date.now();
    const delayedIds = await createInBatches(
      ctx.api,
      Array.from({ length: DELAYED_JOBS }, (_, index) => ({
        name: `delayed-${index}`,
        handler: 'noop',
        runAt: new Date(start + 4000 + index * 200).toISOString(),
      })),
    );
    await waitFor(async () => ((await db.statusCounts(delayedIds)).QUEUED === DELAYED_JOBS ? true : undefined), {
      what: 'the delayed jobs to be in Redis',
    });
    // An operator pauses the queue, so the recurring job's next run waits in Redis, and the loss
    // takes it along (and the pause with it, which lives in Redis too).
    const queue = new Queue(QUEUE, { connection: { url: redisUrl }, prefix: ctx.stack.redisPrefix });
    await queue.pause();
    await queue.close();
    const [lostRun] = await waitFor(
      async () => {
        const rows = await db.query<{ id: string }>(
          `SELECT id FROM executions
            WHERE job_id = $1 AND status = 'QUEUED' AND queued_at < now() - interval '1500 milliseconds'`,
          [recurring.id],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 10_000, what: 'a run of the recurring job held in the paused queue' },
    );

    await lose();
    const lostAt = Date.now();

    // The lost run was due within a second: how long it took past that is the recovery. The
    // deadlines end before the reconciler's 60 s grace would have let it look at what was lost.
    await waitFor(
      async () => {
        const [run] = await db.query<{ status: string }>('SELECT status::text FROM executions WHERE id = $1', [
          lostRun?.id,
        ]);
        return run?.status === 'SUCCEEDED' ? true : undefined;
      },
      { timeoutMs: 40_000, what: 'the lost run of the recurring job to succeed' },
    );
    const recoverySeconds = (Date.now() - lostAt) / 1000;
    await waitFor(async () => ((await db.statusCounts(delayedIds)).SUCCEEDED === DELAYED_JOBS ? true : undefined), {
      timeoutMs: 30_000,
      what: 'every delayed job to succeed',
    });
    const ledger = await waitFor(
      async () => {
        const rows = await db.query<{ nominal: Date; outcome: string; execution: string | null; decidedAt: Date }>(
          `SELECT nominal_time AS nominal, outcome::text, execution_id AS execution, recorded_at AS "decidedAt"
             FROM occurrences WHERE job_id = $1 ORDER BY nominal_time`,
          [recurring.id],
        );
        return rows.filter((row) => row.nominal.getTime() > lostAt).length >= OCCURRENCES_AFTER ? rows : undefined;
      },
      { timeoutMs: 30_000, what: `${OCCURRENCES_AFTER} occurrences after the loss` },
    );
    // Paused, it starts no run, so the history can go quiet; and it stays, to be checked.
    expect((await ctx.api.request('POST', `/v1/jobs/${recurring.id}/pause`, {})).status).toBe(200);

    const history = await expectCleanHistory(ctx.stack.database.url, {
      acknowledgedJobIds: [recurring.id, ...delayedIds],
    });
    const [late] = await db.query<{ delayedLateMs: number; lostRunLateMs: number; lostRunStatus: string }>(
      `SELECT (SELECT max(extract(epoch FROM e.started_at - e.scheduled_for) * 1000)::int FROM executions e
                WHERE e.job_id = ANY($1::uuid[])) AS "delayedLateMs",
              (SELECT (extract(epoch FROM e.started_at - e.scheduled_for) * 1000)::int FROM executions e
                WHERE e.id = $2) AS "lostRunLateMs",
              (SELECT e.status::text FROM executions e WHERE e.id = $2) AS "lostRunStatus"`,
      [delayedIds, lostRun?.id],
    );
    report(scenario, {
      recoverySeconds,
      delayedJobsLateAtMostMs: late?.delayedLateMs,
      lostRecurringRunLateMs: late?.lostRunLateMs,
      occurrences: ledger.length,
      counts: history.counts,
    });

    expect(late?.lostRunStatus).toBe('SUCCEEDED');
    const times = ledger.map((row) => row.nominal.getTime());
    expect(times.slice(1).map((time, index) => time - (times[index] ?? 0))).toEqual(
      times.slice(1).map(() => PERIOD_MS),
    );
    // Before the loss, the paused queue held the run back, and skipping meanwhile was right. After
    // it, the lost run counts as in progress only once it runs again (README, overlap): an occurrence
    // decided while it ran may be skipped, as with any run; one decided while it waited to be put
    // back must not. A ledger row is recorded after the decision read the runs, so one recorded
    // before the lost run started was decided on it still waiting; one that read it running is
    // recorded at most a transaction later than its end.
    const [lostRunSpan] = await db.query<{ startedAt: Date; finishedAt: Date }>(
      'SELECT started_at AS "startedAt", finished_at AS "finishedAt" FROM executions WHERE id = $1',
      [lostRun?.id],
    );
    const TRANSACTION_MS = 1000;
    const decidedWhileLostRunRan = (row: { decidedAt: Date }) =>
      lostRunSpan !== undefined &&
      row.decidedAt.getTime() >= lostRunSpan.startedAt.getTime() &&
      row.decidedAt.getTime() <= lostRunSpan.finishedAt.getTime() + TRANSACTION_MS;
    const afterLoss = ledger.filter((row) => row.nominal.getTime() > lostAt);
    expect(afterLoss.map((row) => (decidedWhileLostRunRan(row) ? 'ran' : row.outcome))).toEqual(
      afterLoss.map((row) => (decidedWhileLostRunRan(row) ? 'ran' : 'ENQUEUED')),
    );
  } finally {
    await db.end();
  }
}

// B4 timing. Delayed: BENCH_B4_DELAYED_JOBS jobs created through the batch route with one `runAt`
// BENCH_B4_LEAD_MS ahead; lateness = attempt started_at − execution scheduled_for. Recurring:
// BENCH_B4_SCHEDULES jobs with `"schedule": {"every": "1s"}` for BENCH_B4_SCHEDULE_SECONDS;
// lateness = attempt started_at − nominal_time over the occurrences of that window, and duplicates =
// (job, nominal time) pairs with more than one execution (must be 0). Baselines: BullMQ delayed jobs
// and BullMQ job schedulers (`every: 1000`), the same counts, the same worker concurrency.
import { performance } from 'node:perf_hooks';

import { meridianAnomalies } from './lib/anomalies.mjs';
import { runInChild } from './lib/child.mjs';
import { config } from './lib/config.mjs';
import { createBatches, createSingles, isMissingRoute, noopJob } from './lib/load.mjs';
import { startMeridian } from './lib/meridian.mjs';
import { ratio, summarize } from './lib/stats.mjs';
import { row, shortError } from './lib/table.mjs';
import { sleep, waitForCount } from './lib/wait.mjs';

const { delayedJobs, leadMs, schedules, scheduleSeconds } = config.b4;

/**
 * Lateness in ms of the first attempt of every execution matching `where`, measured from `column`.
 * Inputs: a WHERE clause over executions `e` with $1/$2 as given. Read only.
 */
async function lateness(db, column, where, params) {
  const { rows } = await db.query(
    `SELECT extract(epoch FROM (a.started_at - e.${column})) * 1000 AS ms
       FROM executions e JOIN execution_attempts a ON a.execution_id = e.id AND a.attempt = 1
      WHERE ${where}`,
    params,
  );
  return summarize(rows.map((r) => Number(r.ms)));
}

const rawDelayed = {
  name: 'raw-bullmq-delayed',
  run: () =>
    runInChild('./raw-bullmq.mjs', 'delayed', {
      jobs: delayedJobs,
      chunk: config.chunk,
      concurrency: config.concurrency,
      leadMs,
    }),
  describe: (r) => `lateness p50 ${r.lateness.p50.toFixed(0)} ms p99 ${r.lateness.p99.toFixed(0)} ms`,
};

const meridianDelayed = {
  name: 'meridian-delayed',
  async run() {
    const m = await startMeridian({ workers: 1 });
    try {
      const due = new Date(Date.now() + leadMs);
      const runAt = due.toISOString();
      const started = performance.now();
      await createBatches(m, delayedJobs, config.chunk, (i) => noopJob(i, { runAt }));
      const createSeconds = (performance.now() - started) / 1000;
      const createdLateMs = Date.now() - due.getTime();
      await waitForCount(() => m.succeeded(), delayedJobs, {
        stallMs: leadMs + 60_000,
        diagnose: async () => ({ byStatus: await m.countByStatus() }),
      });
      return {
        lateness: await lateness(m.db, 'scheduled_for', 'true', []),
        executions: delayedJobs,
        createSeconds,
        seconds: (performance.now() - started) / 1000,
        // Positive: the creates were still going when the jobs fell due, which makes lateness meaningless.
        createdLateMs,
        anomalies: await meridianAnomalies(m),
      };
    } finally {
      await m.stop();
    }
  },
  describe: rawDelayed.describe,
};

const rawSchedules = {
  name: 'raw-bullmq-schedules',
  run: () =>
    runInChild('./raw-bullmq.mjs', 'schedules', {
      schedules,
      seconds: scheduleSeconds,
      concurrency: config.concurrency,
    }),
  describe: (r) =>
    `lateness p50 ${r.lateness.p50.toFixed(0)} ms p99 ${r.lateness.p99.toFixed(0)} ms, ${r.executions}/${r.expected} runs, ${r.duplicates} duplicates`,
};

const meridianSchedules = {
  name: 'meridian-schedules',
  async run() {
    const m = await startMeridian({ workers: 1 });
    try {
      // overlap "allow": every occurrence runs, as every BullMQ scheduler run does; under the default
      // "skip" a run still going when the next second comes would turn that occurrence into a skip.
      const make = (i) => noopJob(i, { schedule: { every: '1s' }, overlap: 'allow' });
      let createdWith = 'batch';
      try {
        await createBatches(m, schedules, config.chunk, make);
      } catch (error) {
        if (!isMissingRoute(error) && error.status !== 400) {
          throw error;
        }
        createdWith = `single creates (batch: ${error.status})`;
        await createSingles(m, schedules, config.b1.clients, make);
      }
      // Whole seconds from 2 s after the last create on: every job's first tick is armed by then.
      const windowStart = Math.ceil(Date.now() / 1000) * 1000 + 2000;
      const windowEnd = windowStart + scheduleSeconds * 1000;
      await sleep(windowEnd - Date.now() + 3000);
      const window = [new Date(windowStart), new Date(windowEnd)];
      const { rows: counts } = await m.db.query(
        `SELECT count(*)::int AS executions,
                count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded
           FROM executions WHERE nominal_time >= $1 AND nominal_time < $2`,
        window,
      );
      const { rows: outcomes } = await m.db.query(
        `SELECT outcome::text, count(*)::int AS n FROM occurrences
          WHERE nominal_time >= $1 AND nominal_time < $2 GROUP BY outcome`,
        window,
      );
      const { rows: dup } = await m.db.query(
        `SELECT count(*)::int AS pairs, coalesce(sum(n - 1), 0)::int AS extra FROM (
           SELECT count(*) AS n FROM executions WHERE nominal_time IS NOT NULL
            GROUP BY job_id, nominal_time HAVING count(*) > 1) d`,
      );
      const { rows: extraAttempts } = await m.db.query(
        `SELECT count(*)::int AS n FROM executions WHERE nominal_time >= $1 AND nominal_time < $2 AND attempt > 1`,
        window,
      );
      // Where the lateness goes: the tick writing the execution, the relay handing it to BullMQ, a worker taking it.
      const { rows: stageRows } = await m.db.query(
        `SELECT extract(epoch FROM (e.created_at - e.nominal_time)) * 1000 AS tick,
                extract(epoch FROM (e.queued_at - e.created_at)) * 1000 AS relay,
                extract(epoch FROM (a.started_at - e.queued_at)) * 1000 AS pickup
           FROM executions e JOIN execution_attempts a ON a.execution_id = e.id AND a.attempt = 1
          WHERE e.nominal_time >= $1 AND e.nominal_time < $2`,
        window,
      );
      const stage = (key) => summarize(stageRows.map((r) => Number(r[key])).filter(Number.isFinite));
      // The schedules keep firing until the stack stops: end them and let their last runs finish, so
      // the anomaly check sees what was left behind, not the second in progress.
      for (let attempt = 0; ; attempt += 1) {
        try {
          await m.db.query(
            `UPDATE jobs SET schedule_state = 'COMPLETED', next_run_at = NULL
              WHERE id IN (SELECT id FROM jobs WHERE schedule_state IS NOT NULL ORDER BY id FOR UPDATE)`,
          );
          break;
        } catch (error) {
          // The ticks and the workers' writes lock the same job rows: a deadlock is retried, as they retry.
          if (error.code !== '40P01' || attempt === 5) {
            throw error;
          }
        }
      }
      const unfinished = async () =>
        (
          await m.db.query(
            `SELECT count(*)::int AS n FROM executions WHERE status NOT IN ('SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED')`,
          )
        ).rows[0].n;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline && (await unfinished()) > 0;) {
        await sleep(100);
      }
      return {
        lateness: await lateness(m.db, 'nominal_time', 'e.nominal_time >= $1 AND e.nominal_time < $2', window),
        stagesMs: { tick: stage('tick'), relay: stage('relay'), pickup: stage('pickup') },
        expected: schedules * scheduleSeconds,
        executions: counts[0].executions,
        succeeded: counts[0].succeeded,
        ledger: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
        duplicates: dup[0].pairs,
        duplicateExecutions: dup[0].extra,
        executionsWithRetries: extraAttempts[0].n,
        createdWith,
        anomalies: await meridianAnomalies(m),
      };
    } finally {
      await m.stop();
    }
  },
  describe: rawSchedules.describe,
};

export const b4 = {
  id: 'b4',
  title: 'B4 timing',
  describe: () =>
    `${delayedJobs} jobs due at one instant ${leadMs / 1000} s ahead; ${schedules} every-second schedules for ${scheduleSeconds} s`,
  systems: () => [rawDelayed, meridianDelayed, rawSchedules, meridianSchedules],
  report(results) {
    const rows = [];
    const pairs = [
      ['delayed', `${delayedJobs} jobs due at one instant`, results['raw-bullmq-delayed'], results['meridian-delayed']],
      [
        'schedules',
        `${schedules} every-1s schedules, ${scheduleSeconds} s`,
        results['raw-bullmq-schedules'],
        results['meridian-schedules'],
      ],
    ];
    for (const [kind, label, base, ours] of pairs) {
      if (ours.error !== undefined || base.error !== undefined) {
        rows.push(row('B4', label, 'Meridian', shortError(ours.error ?? base.error), ''));
        continue;
      }
      for (const p of ['p50', 'p99', 'max']) {
        rows.push(
          row(
            'B4',
            `${label}: lateness ${p}`,
            'Meridian',
            ours.lateness[p],
            'ms',
            'BullMQ',
            base.lateness[p],
            ratio(ours.lateness[p], base.lateness[p]),
          ),
        );
      }
      if (kind === 'schedules') {
        rows.push(
          row(
            'B4',
            `${label}: runs started in the window`,
            'Meridian',
            ours.lateness.count,
            '',
            'BullMQ',
            base.lateness.count,
            ratio(ours.lateness.count, base.lateness.count),
          ),
        );
        rows.push(
          row(
            'B4',
            `${label}: duplicate (job, nominal time)`,
            'Meridian',
            ours.duplicates,
            '',
            'BullMQ',
            base.duplicates,
            Number.NaN,
          ),
        );
        for (const [outcome, n] of Object.entries(ours.ledger ?? {}).filter(([o]) => o !== 'ENQUEUED')) {
          rows.push(row('B4', `${label}: occurrences ${outcome}`, 'Meridian', n, ''));
        }
        for (const [stage, summary] of Object.entries(ours.stagesMs ?? {})) {
          rows.push(
            row(
              'B4',
              `${label}: ${stage} p50 / p99`,
              'Meridian',
              `${summary.p50.toFixed(0)} / ${summary.p99.toFixed(0)} ms`,
              '',
            ),
          );
        }
      }
    }
    return rows;
  },
};

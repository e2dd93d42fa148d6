// Peer: pg-boss 10 on a database of its own, in one process (run through child.mjs).
//
// pg-boss 10 has no per-job concurrency: a worker fetches up to `batchSize` jobs, hands them to the
// handler as an array and completes them in one statement, then waits out its polling interval
// (0.5 s at least) unless notified. The handler here runs the batch's jobs at once and, when the
// batch was full, notifies its worker (`notifyWorker`, pg-boss's own API) so a backlog is drained
// without waiting. `workers` × `batchSize` = the jobs in flight, kept equal to Meridian's concurrency.
import { performance } from 'node:perf_hooks';

import PgBoss from 'pg-boss';
import pg from 'pg';

import { cpuSeconds, postgresMeter } from './proc.mjs';
import { waitForCount } from './wait.mjs';

const QUEUE = 'noop';

export async function throughput({ url, jobs, chunk, concurrency, workers }) {
  const boss = new PgBoss({ connectionString: url, max: 10, supervise: false, schedule: false });
  boss.on('error', (error) => console.error(`pg-boss: ${error.message}`));
  await boss.start();
  await boss.createQueue(QUEUE);
  const batchSize = Math.max(1, Math.floor(concurrency / workers));
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    for (let w = 0; w < workers; w += 1) {
      const id = await boss.work(QUEUE, { batchSize, pollingIntervalSeconds: 0.5 }, async (batch) => {
        await Promise.all(batch.map(async (job) => ({ ok: true, echo: job.data })));
        if (batch.length === batchSize) {
          boss.notifyWorker(id);
        }
      });
    }
    const postgres = postgresMeter(db, new URL(url).pathname.slice(1));
    await postgres.start();
    const ownCpu = cpuSeconds(process.pid);
    const started = performance.now();
    for (let i = 0; i < jobs; i += chunk) {
      const size = Math.min(chunk, jobs - i);
      await boss.insert(Array.from({ length: size }, (_, k) => ({ name: QUEUE, data: { i: i + k } })));
    }
    const created = performance.now();
    const ended = await waitForCount(async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`,
        [QUEUE],
      );
      return rows[0].n;
    }, jobs);
    const cpu = { process: cpuSeconds(process.pid) - ownCpu, postgres: await postgres.stop() };
    return {
      cpuSeconds: cpu,
      cpuMsPerJob: ((cpu.process + cpu.postgres) * 1000) / jobs,
      seconds: (ended - started) / 1000,
      createSeconds: (created - started) / 1000,
      batchSize,
      workers,
    };
  } finally {
    await db.end();
    await boss.stop({ graceful: false, wait: true, timeout: 5000 });
  }
}

// Peer: graphile-worker 0.17 on a database of its own, in one process (run through child.mjs).
//
// Jobs are added with WorkerUtils.addJobs in chunks; the runner runs `concurrency` jobs at once with
// its documented batching on (a local queue that locks `localQueueSize` jobs per fetch, and
// completions batched as they come, completeJobBatchDelay 0). graphile-worker deletes a job once it
// completed, so "all completed" is "every job was added and none is left".
import { performance } from 'node:perf_hooks';

import { makeWorkerUtils, run } from 'graphile-worker';
import pg from 'pg';

import { cpuSeconds, postgresMeter } from './proc.mjs';
import { waitForCount } from './wait.mjs';

export async function throughput({ url, jobs, chunk, concurrency, localQueueSize }) {
  const utils = await makeWorkerUtils({ connectionString: url });
  await utils.migrate();
  let completed = 0;
  const runner = await run({
    connectionString: url,
    concurrency,
    maxPoolSize: 10,
    noHandleSignals: true,
    pollInterval: 2000,
    preset: {
      worker: {
        localQueue: { size: localQueueSize },
        completeJobBatchDelay: 0,
      },
    },
    taskList: {
      noop: async (payload) => {
        completed += 1;
        return { ok: true, echo: payload };
      },
    },
  });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const postgres = postgresMeter(db, new URL(url).pathname.slice(1));
    await postgres.start();
    const ownCpu = cpuSeconds(process.pid);
    const started = performance.now();
    for (let i = 0; i < jobs; i += chunk) {
      const size = Math.min(chunk, jobs - i);
      await utils.addJobs(Array.from({ length: size }, (_, k) => ({ identifier: 'noop', payload: { i: i + k } })));
    }
    const created = performance.now();
    const ended = await waitForCount(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`);
      return jobs - rows[0].n;
    }, jobs);
    const cpu = { process: cpuSeconds(process.pid) - ownCpu, postgres: await postgres.stop() };
    return {
      cpuSeconds: cpu,
      cpuMsPerJob: ((cpu.process + cpu.postgres) * 1000) / jobs,
      seconds: (ended - started) / 1000,
      createSeconds: (created - started) / 1000,
      handlerRuns: completed,
    };
  } finally {
    await db.end();
    await runner.stop();
    await utils.release();
  }
}

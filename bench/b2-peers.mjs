// B2 peers: pg-boss and graphile-worker, each on a fresh database of its own, doing the same N noop
// jobs as B1 (created in batches of the same size, the same jobs in flight), measured the same way:
// from the first create until every job is completed in its Postgres.
import { rawSystem, meridianSystem } from './b1-throughput.mjs';
import { runInChild } from './lib/child.mjs';
import { config } from './lib/config.mjs';
import { withFreshDatabase } from './lib/databases.mjs';
import { ratio } from './lib/stats.mjs';
import { rateRow, row } from './lib/table.mjs';

const N = config.b1.jobs;

const pgBoss = {
  name: 'pg-boss',
  run: async () => {
    const result = await withFreshDatabase('pgboss', (url) =>
      runInChild('./pg-boss.mjs', 'throughput', {
        url,
        jobs: N,
        chunk: config.chunk,
        concurrency: config.concurrency,
        workers: config.b2.pgBossWorkers,
      }),
    );
    return { ...result, rate: N / result.seconds };
  },
  describe: (r) => `${r.rate.toFixed(0)} jobs/s`,
};

const graphile = {
  name: 'graphile-worker',
  run: async () => {
    const result = await withFreshDatabase('graphile', (url) =>
      runInChild('./graphile-worker.mjs', 'throughput', {
        url,
        jobs: N,
        chunk: config.chunk,
        concurrency: config.concurrency,
        localQueueSize: config.b2.graphileLocalQueue,
      }),
    );
    return { ...result, rate: N / result.seconds };
  },
  describe: (r) => `${r.rate.toFixed(0)} jobs/s`,
};

export const b2 = {
  id: 'b2',
  title: 'B2 peers',
  group: 'throughput',
  describe: () => `${N} noop jobs each; pg-boss 10.4.2, graphile-worker 0.17.3; Meridian batch create, 1 worker`,
  systems: () => [rawSystem, pgBoss, graphile, meridianSystem('batch', 1)],
  report(results) {
    const raw = results['raw-bullmq'];
    const meridian = results['meridian-batch-1w'];
    const rows = [];
    for (const [name, label] of [
      [
        'pg-boss',
        `pg-boss (insert ${config.chunk}, ${config.b2.pgBossWorkers} workers × batch ${Math.floor(config.concurrency / config.b2.pgBossWorkers)})`,
      ],
      ['graphile-worker', `graphile-worker (addJobs ${config.chunk}, concurrency ${config.concurrency})`],
    ]) {
      const result = results[name];
      rows.push(rateRow('B2', `end to end, ${N} jobs`, label, result, raw));
      if (result.error !== undefined) {
        continue;
      }
      rows.push(
        row(
          'B2',
          'CPU per job (process + Postgres)',
          label,
          result.cpuMsPerJob,
          'ms',
          'raw BullMQ',
          raw.cpuMsPerJob,
          ratio(result.cpuMsPerJob, raw.cpuMsPerJob),
        ),
      );
      if (meridian.error === undefined) {
        rows.push(
          row(
            'B2',
            'Meridian batch 1 worker vs this peer',
            label,
            meridian.rate,
            'jobs/s',
            name,
            result.rate,
            ratio(meridian.rate, result.rate),
          ),
        );
      }
    }
    return rows;
  },
};

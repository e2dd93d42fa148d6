// B1 throughput: N noop jobs through Meridian's batch create and through single creates (50 HTTP
// clients), with 1 and 2 worker processes, timed until every execution is SUCCEEDED in Postgres;
// against raw BullMQ (addBulk in chunks, a Worker of the same concurrency, no Postgres).
import { config } from './lib/config.mjs';
import { runInChild } from './lib/child.mjs';
import { meridianThroughput } from './lib/meridian-throughput.mjs';
import { ratio } from './lib/stats.mjs';
import { rateRow, row } from './lib/table.mjs';

const N = config.b1.jobs;

/** `relay / pickup / run` p50 (p99) in ms, from an executionStages answer. */
export function stagesText(stages) {
  if (stages === undefined) {
    return '—';
  }
  const one = (s) => `${s.p50.toFixed(0)} (${s.p99.toFixed(0)})`;
  return `${one(stages.relay)} / ${one(stages.pickup)} / ${one(stages.run)} ms`;
}

export const rawSystem = {
  name: 'raw-bullmq',
  run: async () => {
    const result = await runInChild('./raw-bullmq.mjs', 'throughput', {
      jobs: N,
      chunk: config.chunk,
      concurrency: config.concurrency,
    });
    return { ...result, rate: N / result.seconds };
  },
  describe: (r) => `${r.rate.toFixed(0)} jobs/s`,
};

export function meridianSystem(mode, workers) {
  const jobs = mode === 'batch' ? N : config.b1.singleJobs;
  return {
    name: `meridian-${mode}-${workers}w`,
    run: () => meridianThroughput({ workers, jobs, mode }),
    describe: (r) => `${r.rate.toFixed(0)} jobs/s end to end, creates ${r.createRate.toFixed(0)}/s`,
  };
}

export const b1 = {
  id: 'b1',
  title: 'B1 throughput',
  group: 'throughput',
  describe: () =>
    `${N} noop jobs (batch, ${config.chunk} per request) and ${config.b1.singleJobs} (single creates, ${config.b1.clients} clients), concurrency ${config.concurrency}`,
  systems: () => [
    rawSystem,
    meridianSystem('batch', 1),
    meridianSystem('single', 1),
    meridianSystem('batch', 2),
    meridianSystem('single', 2),
  ],
  report(results) {
    const raw = results['raw-bullmq'];
    const rows = [
      row('B1', `end to end, ${N} jobs`, 'raw BullMQ (addBulk)', raw.rate, 'jobs/s'),
      row('B1', 'CPU per job (process; Redis not counted)', 'raw BullMQ (addBulk)', raw.cpuMsPerJob, 'ms'),
    ];
    for (const workers of [1, 2]) {
      for (const mode of ['batch', 'single']) {
        const result = results[`meridian-${mode}-${workers}w`];
        const jobs = mode === 'batch' ? N : config.b1.singleJobs;
        const label = `Meridian ${mode === 'batch' ? 'batch create' : `single creates (${config.b1.clients} clients)`}, ${workers} worker${workers > 1 ? 's' : ''}`;
        rows.push(rateRow('B1', `end to end, ${jobs} jobs`, label, result, raw));
        if (result.error !== undefined) {
          continue;
        }
        rows.push(
          row(
            'B1',
            'creates alone',
            label,
            result.createRate,
            'jobs/s',
            'raw BullMQ addBulk',
            N / raw.createSeconds,
            ratio(result.createRate, N / raw.createSeconds),
          ),
        );
        rows.push(
          row(
            'B1',
            'CPU per job (processes + Postgres)',
            label,
            result.cpuMsPerJob,
            'ms',
            'raw BullMQ',
            raw.cpuMsPerJob,
            ratio(result.cpuMsPerJob, raw.cpuMsPerJob),
          ),
        );
        if (result.createLatencyMs !== undefined) {
          const { p50, p99 } = result.createLatencyMs;
          rows.push(row('B1', 'create latency p50 / p99', label, `${p50.toFixed(1)} / ${p99.toFixed(1)} ms`, ''));
        }
        rows.push(row('B1', 'relay / pickup / run p50 (p99)', label, stagesText(result.stagesMs), ''));
      }
    }
    return rows;
  },
};

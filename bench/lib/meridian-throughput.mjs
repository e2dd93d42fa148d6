// One measured Meridian throughput run (B1, B2, B5): a fresh stack, `jobs` noop jobs created through
// the batch route or one request at a time, timed from the first create until every execution is
// SUCCEEDED in Postgres; with each process's CPU seconds and peak RSS, what looked wrong, and for
// single creates each request's latency.
import { performance } from 'node:perf_hooks';

import { meridianAnomalies } from './anomalies.mjs';
import { config } from './config.mjs';
import { createBatches, createSingles } from './load.mjs';
import { startMeridian } from './meridian.mjs';
import { cpuMeter, peakRssMiB, postgresMeter } from './proc.mjs';
import { executionStages } from './stages.mjs';
import { summarize } from './stats.mjs';
import { waitForCount } from './wait.mjs';

export async function meridianThroughput({ workers, jobs, mode }) {
  const meridian = await startMeridian({ workers, connections: Math.max(64, config.b1.clients) });
  let result;
  try {
    const pids = meridian.pids();
    const meter = cpuMeter(pids);
    const postgres = postgresMeter(meridian.db, meridian.stack.database.name);
    await postgres.start();
    meter.start();
    const started = performance.now();
    let createLatencyMs;
    if (mode === 'batch') {
      await createBatches(meridian, jobs, config.chunk);
    } else {
      createLatencyMs = summarize((await createSingles(meridian, jobs, config.b1.clients)).latenciesMs);
    }
    const created = performance.now();
    const ended = await waitForCount(() => meridian.succeeded(), jobs, {
      diagnose: async () => ({
        byStatus: await meridian.countByStatus(),
        anomalies: await meridianAnomalies(meridian),
      }),
    });
    const cpuSeconds = meter.stop();
    cpuSeconds.postgres = await postgres.stop();
    const seconds = (ended - started) / 1000;
    const cpuTotal = Object.values(cpuSeconds).reduce((a, b) => a + b, 0);
    result = {
      seconds,
      cpuMsPerJob: (cpuTotal * 1000) / jobs,
      rate: jobs / seconds,
      createSeconds: (created - started) / 1000,
      createRate: jobs / ((created - started) / 1000),
      ...(createLatencyMs === undefined ? {} : { createLatencyMs }),
      cpuSeconds,
      peakRssMiB: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, peakRssMiB(pid)])),
      stagesMs: await executionStages(meridian.db),
      anomalies: await meridianAnomalies(meridian),
      startSeconds: meridian.startSeconds,
    };
  } finally {
    const stopSeconds = await meridian.stop();
    if (result !== undefined) {
      result.stopSeconds = stopSeconds;
    }
  }
  return result;
}

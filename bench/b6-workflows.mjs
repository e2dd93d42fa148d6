// B6 workflows: BENCH_B6_DIAMONDS diamonds (A→B, A→C, B→D, C→D), one POST /v1/workflows each (or
// BENCH_B6_PER_WORKFLOW of them side by side in one workflow) from BENCH_B6_CLIENTS clients, timed
// until all 4 × diamonds executions are SUCCEEDED; nodes per second.
// Baseline: the same diamonds by hand on raw BullMQ (a finished A adds B and C; the second of B and
// C to finish, counted with INCR, adds D).
import { performance } from 'node:perf_hooks';

import { meridianAnomalies } from './lib/anomalies.mjs';
import { stagesText } from './b1-throughput.mjs';
import { runInChild } from './lib/child.mjs';
import { config } from './lib/config.mjs';
import { dependencyRelease, executionStages } from './lib/stages.mjs';
import { startMeridian } from './lib/meridian.mjs';
import { cpuMeter } from './lib/proc.mjs';
import { ratio } from './lib/stats.mjs';
import { row, shortError } from './lib/table.mjs';
import { waitForCount } from './lib/wait.mjs';

const { diamonds, clients, perWorkflow } = config.b6;
const nodes = diamonds * 4;

const workflows = Math.ceil(diamonds / perWorkflow);

/** Workflow `w`: diamonds w × perWorkflow … (each A→B, A→C, B→D, C→D), keys suffixed by diamond. */
function workflow(w) {
  const jobs = [];
  for (let d = w * perWorkflow; d < Math.min(diamonds, (w + 1) * perWorkflow); d += 1) {
    const job = (key, dependsOn) => ({
      key: `${key}${d}`,
      name: `diamond-${key}`,
      handler: 'noop',
      payload: { d },
      ...(dependsOn ? { dependsOn: dependsOn.map((k) => `${k}${d}`) } : {}),
    });
    jobs.push(job('a'), job('b', ['a']), job('c', ['a']), job('d', ['b', 'c']));
  }
  return { name: `diamonds-${w}`, jobs };
}

const raw = {
  name: 'raw-bullmq-diamonds',
  run: async () => {
    const result = await runInChild('./raw-bullmq.mjs', 'diamonds', { diamonds, concurrency: config.concurrency });
    return { ...result, rate: nodes / result.seconds };
  },
  describe: (r) => `${r.rate.toFixed(0)} nodes/s`,
};

const meridian = {
  name: 'meridian-workflows',
  async run() {
    const m = await startMeridian({ workers: 1, connections: clients });
    try {
      const meter = cpuMeter(m.pids());
      meter.start();
      const started = performance.now();
      let next = 0;
      const client = async () => {
        while (next < workflows) {
          const w = next;
          next += 1;
          await m.call('POST', '/v1/workflows', workflow(w));
        }
      };
      await Promise.all(Array.from({ length: clients }, client));
      const created = performance.now();
      const ended = await waitForCount(() => m.succeeded(), nodes, {
        diagnose: async () => ({ byStatus: await m.countByStatus() }),
      });
      const seconds = (ended - started) / 1000;
      return {
        seconds,
        rate: nodes / seconds,
        createSeconds: (created - started) / 1000,
        workflowCreateRate: workflows / ((created - started) / 1000),
        cpuSeconds: meter.stop(),
        stagesMs: await executionStages(m.db),
        releaseMs: await dependencyRelease(m.db),
        anomalies: await meridianAnomalies(m),
      };
    } finally {
      await m.stop();
    }
  },
  describe: (r) => `${r.rate.toFixed(0)} nodes/s, workflow creates ${r.workflowCreateRate.toFixed(0)}/s`,
};

export const b6 = {
  id: 'b6',
  title: 'B6 workflows',
  describe: () =>
    `${diamonds} diamonds (${nodes} nodes), ${perWorkflow === 1 ? 'one workflow each' : `${perWorkflow} per workflow`}, ${clients} clients`,
  systems: () => [raw, meridian],
  report(results) {
    const base = results['raw-bullmq-diamonds'];
    const ours = results['meridian-workflows'];
    if (ours.error !== undefined || base.error !== undefined) {
      return [row('B6', `${diamonds} diamonds`, 'Meridian', shortError(ours.error ?? base.error), '')];
    }
    return [
      row(
        'B6',
        `${diamonds} diamonds: nodes/s until all SUCCEEDED`,
        'Meridian workflows',
        ours.rate,
        'nodes/s',
        'BullMQ by hand',
        base.rate,
        ratio(ours.rate, base.rate),
      ),
      row('B6', `${diamonds} diamonds: workflow creates`, 'Meridian workflows', ours.workflowCreateRate, 'workflows/s'),
      row(
        'B6',
        `${diamonds} diamonds: last dependency finished → dependent queued, p50 (p99)`,
        'Meridian workflows',
        `${ours.releaseMs.p50.toFixed(0)} (${ours.releaseMs.p99.toFixed(0)}) ms`,
        '',
      ),
      row(
        'B6',
        `${diamonds} diamonds: relay / pickup / run p50 (p99)`,
        'Meridian workflows',
        stagesText(ours.stagesMs),
        '',
      ),
    ];
  },
};

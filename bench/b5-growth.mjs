// B5 cost growth: B1's batch create with 1 worker at 1×, 5× and 10× a base N; time, rate and each
// process's peak RSS (VmHWM at the end), against raw BullMQ at the same sizes. A cost that grows
// faster than the job count (an unindexed scan, a growing in-memory structure) shows as a falling
// rate and a rising peak RSS.
import { runInChild } from './lib/child.mjs';
import { config } from './lib/config.mjs';
import { meridianThroughput } from './lib/meridian-throughput.mjs';
import { ratio } from './lib/stats.mjs';
import { row, shortError } from './lib/table.mjs';

const sizes = () => config.b5.factors.map((factor) => factor * config.b5.base);

function raw(jobs) {
  return {
    name: `raw-bullmq-${jobs}`,
    run: async () => {
      const result = await runInChild('./raw-bullmq.mjs', 'throughput', {
        jobs,
        chunk: config.chunk,
        concurrency: config.concurrency,
      });
      return { ...result, rate: jobs / result.seconds };
    },
    describe: (r) => `${r.rate.toFixed(0)} jobs/s, peak RSS ${r.process.peakRssMiB.toFixed(0)} MiB`,
  };
}

function meridian(jobs) {
  return {
    name: `meridian-batch-1w-${jobs}`,
    run: () => meridianThroughput({ workers: 1, jobs, mode: 'batch' }),
    describe: (r) =>
      `${r.rate.toFixed(0)} jobs/s, peak RSS ${Object.entries(r.peakRssMiB)
        .map(([name, mib]) => `${name} ${mib.toFixed(0)}`)
        .join(', ')} MiB`,
  };
}

export const b5 = {
  id: 'b5',
  title: 'B5 cost growth',
  describe: () => `batch create, 1 worker, ${sizes().join(' / ')} jobs`,
  systems: () => sizes().flatMap((jobs) => [raw(jobs), meridian(jobs)]),
  report(results) {
    const rows = [];
    const [base] = sizes();
    const baseRaw = results[`raw-bullmq-${base}`];
    const baseOurs = results[`meridian-batch-1w-${base}`];
    for (const jobs of sizes()) {
      const r = results[`raw-bullmq-${jobs}`];
      const ours = results[`meridian-batch-1w-${jobs}`];
      if (ours.error !== undefined || r.error !== undefined) {
        rows.push(row('B5', `${jobs} jobs`, 'Meridian batch, 1 worker', shortError(ours.error ?? r.error), ''));
        continue;
      }
      rows.push(
        row(
          'B5',
          `${jobs} jobs: time`,
          'Meridian batch, 1 worker',
          ours.seconds,
          's',
          'raw BullMQ',
          r.seconds,
          ratio(ours.seconds, r.seconds),
        ),
      );
      rows.push(
        row(
          'B5',
          `${jobs} jobs: rate`,
          'Meridian batch, 1 worker',
          ours.rate,
          'jobs/s',
          'raw BullMQ',
          r.rate,
          ratio(ours.rate, r.rate),
        ),
      );
      if (jobs !== base && baseOurs.error === undefined) {
        rows.push(
          row(
            'B5',
            `${jobs} jobs: time / time at ${base}`,
            'Meridian batch, 1 worker',
            ours.seconds / baseOurs.seconds,
            '',
            'raw BullMQ',
            r.seconds / baseRaw.seconds,
            ratio(ours.seconds / baseOurs.seconds, r.seconds / baseRaw.seconds),
          ),
        );
      }
      for (const [name, mib] of Object.entries(ours.peakRssMiB)) {
        rows.push(
          row(
            'B5',
            `${jobs} jobs: peak RSS`,
            `Meridian ${name}`,
            mib,
            'MiB',
            'raw BullMQ process',
            r.process.peakRssMiB,
            ratio(mib, r.process.peakRssMiB),
          ),
        );
      }
    }
    return rows;
  },
};

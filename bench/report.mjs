// Re-renders the table of an earlier run from its JSON, with the current report code:
//   node bench/report.mjs bench/results/<time>.json
import { readFileSync } from 'node:fs';

const [path] = process.argv.slice(2);
if (path === undefined) {
  console.error('usage: node bench/report.mjs bench/results/<time>.json');
  process.exit(2);
}
const record = JSON.parse(readFileSync(path, 'utf8'));
process.env.BENCH_CONFIG_JSON = JSON.stringify(record.config);
const { markdownTable } = await import('./lib/table.mjs');
const { BENCHMARKS } = await import('./lib/benchmarks.mjs');
const results = Object.assign({}, ...Object.values(record.benchmarks).map((benchmark) => benchmark.systems ?? {}));
const rows = [];
for (const [id, benchmark] of Object.entries(record.benchmarks)) {
  if (benchmark.systems !== undefined) {
    rows.push(...(await BENCHMARKS[id]()).report(results));
  }
}
const env = record.environment;
console.log(
  `Run of ${record.startedAt}, commit ${env.commit.slice(0, 7)}, ${env.cpus} cores, Node ${env.node}, ` +
    `load average ${env.loadAverageAtStart.map((n) => n.toFixed(1)).join(' ')} at start, ` +
    `${record.loadAverageAtEnd.map((n) => n.toFixed(1)).join(' ')} at end; ${(record.seconds / 60).toFixed(1)} min\n`,
);
console.log(markdownTable(rows));

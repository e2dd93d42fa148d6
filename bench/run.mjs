// The benchmark suite of issue 10. Run after `pnpm build`:
//   pnpm bench                 every benchmark
//   pnpm bench b1 b3           only these (or BENCH_ONLY=b1,b3)
//   BENCH_FULL=1 pnpm bench    the full sizes (50,000 jobs, 20 s of load, 60 s of schedules)
// Each figure is the median of BENCH_ROUNDS (3) interleaved rounds and is given as a ratio against a
// baseline measured in the same run. Prints a Markdown table and writes bench/results/<time>.json.
import { config } from './lib/config.mjs';
import { BENCHMARKS } from './lib/benchmarks.mjs';
import { cleanupAll } from './lib/cleanup.mjs';
import { interleave } from './lib/rounds.mjs';
import { environment, writeResults } from './lib/results.mjs';
import { markdownTable } from './lib/table.mjs';

const ALL = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];

function selection() {
  const args = process.argv.slice(2).map((arg) => arg.toLowerCase());
  const chosen =
    args.length > 0
      ? args
      : (process.env.BENCH_ONLY ?? '')
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean);
  const unknown = chosen.filter((id) => !ALL.includes(id));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')}: choose among ${ALL.join(', ')}`);
  }
  return chosen.length === 0 ? ALL : ALL.filter((id) => chosen.includes(id));
}

const log = (line) => console.log(line);

/** `fn()`, or `fallback` (called with the error if a function) when it throws: one bad report must not lose the run. */
function safely(fn, fallback) {
  try {
    return fn();
  } catch (error) {
    log(`  (${error.stack})`);
    return typeof fallback === 'function' ? fallback(error) : fallback;
  }
}

async function main() {
  const ids = selection();
  const record = { startedAt: new Date().toISOString(), environment: environment(), config, benchmarks: {} };
  log(
    `Meridian benchmarks ${ids.join(' ')} on ${record.environment.cpus} cores, Node ${record.environment.node}, commit ${record.environment.commit.slice(0, 7)}${record.environment.uncommittedChanges === true ? ' (with uncommitted changes in apps/libs/prisma)' : ''}`,
  );
  const started = Date.now();
  const benchmarks = await Promise.all(ids.map((id) => BENCHMARKS[id]()));
  const rows = [];
  // Benchmarks of one group (B1 and B2) share their systems' rounds: one interleaving, each system once.
  const done = new Set();
  for (const benchmark of benchmarks) {
    if (done.has(benchmark.id)) {
      continue;
    }
    const members = benchmark.group === undefined ? [benchmark] : benchmarks.filter((b) => b.group === benchmark.group);
    members.forEach((member) => done.add(member.id));
    const systems = [
      ...new Map(members.flatMap((member) => member.systems()).map((system) => [system.name, system])).values(),
    ];
    const title = members.map((member) => member.title).join(' + ');
    log(`\n${title}: ${members.map((member) => safely(() => member.describe(), '')).join('; ')}`);
    const benchStarted = Date.now();
    let results;
    try {
      results = await interleave(systems, config.rounds, log);
    } catch (error) {
      log(`${title} failed: ${error.stack}`);
      members.forEach((member) => (record.benchmarks[member.id] = { error: error.message }));
      continue;
    }
    for (const member of members) {
      const memberRows = safely(
        () => member.report(results),
        (error) => [
          {
            benchmark: member.id.toUpperCase(),
            figure: 'report',
            system: '—',
            value: `report failed: ${error.message}`,
          },
        ],
      );
      rows.push(...memberRows);
      record.benchmarks[member.id] = {
        title: member.title,
        description: safely(() => member.describe(), ''),
        seconds: (Date.now() - benchStarted) / 1000,
        rows: memberRows,
        systems: Object.fromEntries(member.systems().map((system) => [system.name, results[system.name]])),
      };
    }
    for (const [name, result] of Object.entries(results)) {
      if (result.anomalies?.length > 0) {
        log(`  ! ${name}: ${JSON.stringify(result.anomalies).slice(0, 1500)}`);
      }
    }
  }
  record.seconds = (Date.now() - started) / 1000;
  const table = markdownTable(rows);
  log(`\n${table}\n`);
  const path = await writeResults({ ...record, table });
  log(`suite took ${(record.seconds / 60).toFixed(1)} min; results in ${path}`);
}

try {
  await main();
} catch (error) {
  console.error(error.stack ?? error);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}

// Postgres's own cost of the batch path, apart from HTTP, BullMQ and the apps: what each of its
// writes costs the Postgres backend per job, and how much room the rows take. It drives the
// repositories' statements directly on one connection (so one backend does all the work, and its
// CPU is read from /proc/<pid>/stat): create 1,000 jobs in one batch, relay them 500 at a time,
// start and finish their attempts 100 at a time, as the api, the relay and a busy worker do.
//
//   pnpm build && node bench/pg-cost.mjs            # 3 rounds of 20,000 jobs
//   PG_COST_JOBS=50000 PG_COST_ROUNDS=5 node bench/pg-cost.mjs
//
// Each round runs on a fresh clone of the migrated template; figures are medians of the rounds.
// Not part of `pnpm bench`: a tool for changes to the schema or to the hot path's SQL.
import { connectPostgres, finishAttempts, JobRepository, OutboxRepository, startAttempts } from '@meridian/db';
import { parseJobSpec } from '@meridian/domain';
import { createTestDatabase } from '@meridian/testing/harness';

import { cleanupAll, onCleanup } from './lib/cleanup.mjs';
import { ensureTemplate } from './lib/meridian.mjs';
import { cpuSeconds } from './lib/proc.mjs';
import { median } from './lib/stats.mjs';

const JOBS = Number(process.env.PG_COST_JOBS ?? 20_000);
const ROUNDS = Number(process.env.PG_COST_ROUNDS ?? 3);
const CREATE_BATCH = 1000;
const RELAY_BATCH = 500;
const ATTEMPT_BATCH = 100;
/** As long as a hostname-pid worker id in a Kubernetes pod: the execution row grows by it on start. */
const WORKER_ID = 'meridian-worker-7d9f8b6c5-x2k4p-12345';

/** CPU milliseconds (user + system) `pid` has used so far. */
const cpuMs = (pid) => cpuSeconds(pid) * 1000;

async function round() {
  const database = await createTestDatabase();
  const removeCleanup = onCleanup(() => database.drop());
  const postgres = connectPostgres({ url: database.url, poolSize: 1 });
  try {
    const [{ pid }] = await postgres.sql.query({ text: 'SELECT pg_backend_pid() AS pid' }, []);
    const jobs = new JobRepository(postgres.prisma, postgres.sql);
    const outbox = new OutboxRepository(postgres.prisma, postgres.sql);
    const spent = { create: 0, relay: 0, start: 0, finish: 0 };
    const measured = async (stage, work) => {
      const before = cpuMs(pid);
      await work();
      spent[stage] += cpuMs(pid) - before;
    };
    for (let created = 0; created < JOBS; created += CREATE_BATCH) {
      const batch = Array.from({ length: CREATE_BATCH }, () => ({
        kind: 'one_off',
        jobId: crypto.randomUUID(),
        executionId: crypto.randomUUID(),
        spec: aNoopSpec(),
      }));
      await measured('create', () =>
        jobs.createBatch({ namespace: 'default', jobs: batch, idempotencyKey: null, requestHash: null }),
      );
      await measured('relay', async () => {
        while ((await outbox.relayBatch(RELAY_BATCH, async () => undefined)).claimed > 0) {
          // until the outbox is empty
        }
      });
      const ids = batch.map((job) => job.executionId);
      for (let index = 0; index < ids.length; index += ATTEMPT_BATCH) {
        const chunk = ids.slice(index, index + ATTEMPT_BATCH);
        await measured('start', () =>
          startAttempts(
            postgres.sql,
            chunk.map((executionId) => ({ executionId, workerId: WORKER_ID, now: new Date() })),
          ),
        );
        await measured('finish', () =>
          finishAttempts(
            postgres.sql,
            chunk.map((executionId) => ({
              executionId,
              attempt: 1,
              outcome: { status: 'SUCCEEDED', result: null },
              now: new Date(),
            })),
          ),
        );
      }
    }
    const [{ bytes }] = await postgres.sql.query(
      {
        text: `SELECT (pg_total_relation_size('jobs') + pg_total_relation_size('executions')
                       + pg_total_relation_size('execution_attempts') + pg_total_relation_size('outbox'))::bigint AS bytes`,
      },
      [],
    );
    return { ...spent, total: Object.values(spent).reduce((a, b) => a + b, 0), mib: Number(bytes) / 2 ** 20 };
  } finally {
    await postgres.close();
    await database.drop();
    removeCleanup();
  }
}

/** What the api's validation makes of `{"name": "noop", "handler": "noop"}`. */
function aNoopSpec() {
  return parseJobSpec(
    { name: 'noop', handler: 'noop' },
    { maxPayloadBytes: 262_144, runAtPastToleranceMs: 60_000 },
    new Date(),
  );
}

try {
  await ensureTemplate();
  const rounds = [];
  for (let index = 0; index < ROUNDS; index += 1) {
    rounds.push(await round());
  }
  const perJob = (key) => (median(rounds.map((r) => r[key])) / JOBS).toFixed(3);
  console.log(`Postgres CPU per job, ${JOBS} jobs, median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} (ms):`);
  console.log(
    `  total ${perJob('total')}  create ${perJob('create')}  relay ${perJob('relay')}  start ${perJob('start')}  finish ${perJob('finish')}`,
  );
  console.log(`  rounds: ${rounds.map((r) => (r.total / JOBS).toFixed(3)).join(' ')}`);
  console.log(`  jobs + executions + attempts + outbox: ${median(rounds.map((r) => r.mib)).toFixed(1)} MiB`);
} finally {
  await cleanupAll();
}

// End-to-end throughput of Meridian (HTTP create -> Postgres -> outbox relay -> BullMQ -> worker ->
// Postgres history) against raw BullMQ (addBulk -> worker) on the same machine, in the same run.
// Not part of `pnpm test`. Run after `pnpm build`: `pnpm bench` (BENCH_JOBS=n to change the size).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { createTemplateDatabase, startStack, TEST_REDIS_URL } from '@meridian/testing/harness';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

const JOBS = Number(process.env.BENCH_JOBS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);

async function rawBullmq() {
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const queue = new Queue('raw', { connection, prefix });
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const worker = new Worker('raw', async (job) => ({ ok: true, echo: job.data }), {
    connection,
    prefix,
    concurrency: CONCURRENCY,
  });
  worker.on('completed', () => {
    done += 1;
    if (done === JOBS) finish();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  for (let i = 0; i < JOBS; i += 1000) {
    const size = Math.min(1000, JOBS - i);
    await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return JOBS / seconds;
}

async function meridian() {
  await createTemplateDatabase();
  const stack = await startStack({
    env: { LOG_LEVEL: 'info', WORKER_CONCURRENCY: String(CONCURRENCY), DATABASE_POOL_SIZE: '20' },
  });
  const db = new pg.Client({ connectionString: stack.database.url });
  await db.connect();
  try {
    const started = performance.now();
    let next = 0;
    const client = async () => {
      while (next < JOBS) {
        next += 1;
        const response = await fetch(`${stack.apiUrl}/v1/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.env.API_BOOTSTRAP_KEY}` },
          body: JSON.stringify({ name: 'bench', handler: 'noop', payload: { i: next } }),
        });
        if (response.status !== 201) throw new Error(`create answered ${response.status}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const created = performance.now();
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM executions WHERE status = 'SUCCEEDED'`);
      if (rows[0].n >= JOBS) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    return { endToEnd: JOBS / seconds, creates: JOBS / ((created - started) / 1000) };
  } finally {
    await db.end();
    await stack.stop();
  }
}

const raw = await rawBullmq();
const ours = await meridian();
console.log(`jobs: ${JOBS}, worker concurrency: ${CONCURRENCY}, HTTP clients: ${CLIENTS}`);
console.log(`raw BullMQ (addBulk, no Postgres):          ${raw.toFixed(0)} jobs/s`);
console.log(`Meridian API creates (HTTP, 1 tx per job):  ${ours.creates.toFixed(0)} creates/s`);
console.log(`Meridian end to end (HTTP -> ... -> history): ${ours.endToEnd.toFixed(0)} jobs/s`);
console.log(`ratio Meridian / raw BullMQ:                 ${(ours.endToEnd / raw).toFixed(2)}`);

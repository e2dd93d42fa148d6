// The baseline: BullMQ on the same Redis in one process, no Postgres. Each function runs a whole
// measurement and cleans up its own Redis prefix. Run through child.mjs, in a process of its own.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { deleteRedisPrefix, TEST_REDIS_URL } from '@meridian/testing/harness';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

import { cpuSeconds } from './proc.mjs';
import { summarize } from './stats.mjs';

function connect() {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
}

/** A queue and a worker with `processor` on a fresh prefix; `close()` removes every key. */
async function open(processor, concurrency) {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const producer = connect();
  const consumer = connect();
  const queue = new Queue('raw', { connection: producer, prefix });
  const worker = new Worker('raw', processor, { connection: consumer, prefix, concurrency });
  await worker.waitUntilReady();
  return {
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
      producer.disconnect();
      consumer.disconnect();
      await deleteRedisPrefix(prefix);
    },
  };
}

/** Adds `total` jobs built by `make(i)` with addBulk in chunks of `chunk`, one chunk after another. */
async function addAll(queue, total, chunk, make) {
  for (let i = 0; i < total; i += chunk) {
    const size = Math.min(chunk, total - i);
    await queue.addBulk(Array.from({ length: size }, (_, k) => make(i + k)));
  }
}

function completions(worker, target) {
  let done = 0;
  return new Promise((resolve) => {
    worker.on('completed', () => {
      done += 1;
      if (done === target) {
        resolve(performance.now());
      }
    });
  });
}

/** B1/B5: `jobs` noop jobs through addBulk and a worker; seconds from the first add to the last completion. */
export async function throughput({ jobs, chunk, concurrency }) {
  const raw = await open(async (job) => ({ ok: true, echo: job.data }), concurrency);
  try {
    const finished = completions(raw.worker, jobs);
    const ownCpu = cpuSeconds(process.pid);
    const started = performance.now();
    await addAll(raw.queue, jobs, chunk, (i) => ({ name: 'noop', data: { i } }));
    const created = performance.now();
    const ended = await finished;
    const cpu = cpuSeconds(process.pid) - ownCpu;
    return {
      seconds: (ended - started) / 1000,
      createSeconds: (created - started) / 1000,
      cpuSeconds: { process: cpu },
      cpuMsPerJob: (cpu * 1000) / jobs,
    };
  } finally {
    await raw.close();
  }
}

/** B4: `jobs` jobs delayed to one instant `leadMs` ahead; lateness of each start in ms. */
export async function delayed({ jobs, chunk, concurrency, leadMs }) {
  const lateness = [];
  const raw = await open(async (job) => {
    lateness.push(Date.now() - job.data.due);
    return { ok: true };
  }, concurrency);
  try {
    const finished = completions(raw.worker, jobs);
    const due = Date.now() + leadMs;
    await addAll(raw.queue, jobs, chunk, (i) => ({
      name: 'noop',
      data: { i, due },
      opts: { delay: due - Date.now() },
    }));
    await finished;
    return { lateness: summarize(lateness), executions: lateness.length };
  } finally {
    await raw.close();
  }
}

/**
 * B4: `schedules` job schedulers every second for `seconds`; lateness of each start against its
 * nominal time (the millis in the job id), and occurrences run more than once.
 */
export async function schedules({ schedules, seconds, concurrency }) {
  const lateness = [];
  const seen = new Map();
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  const raw = await open(async (job) => {
    const nominal = Number(job.id.slice(job.id.lastIndexOf(':') + 1));
    const key = `${job.repeatJobKey}:${nominal}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (nominal >= windowStart && nominal < windowEnd) {
      lateness.push(Date.now() - nominal);
    }
    return { ok: true };
  }, concurrency);
  try {
    for (let i = 0; i < schedules; i += 1) {
      await raw.queue.upsertJobScheduler(`s${i}`, { every: 1000 }, { name: 'noop', data: { i } });
    }
    // Measure whole seconds from 2 s after every scheduler exists, as the Meridian run does.
    windowStart = Math.ceil(Date.now() / 1000) * 1000 + 2000;
    windowEnd = windowStart + seconds * 1000;
    await new Promise((resolve) => setTimeout(resolve, windowEnd - Date.now() + 3000));
    for (let i = 0; i < schedules; i += 1) {
      await raw.queue.removeJobScheduler(`s${i}`);
    }
    const inWindow = lateness.length;
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    return {
      lateness: summarize(lateness),
      executions: inWindow,
      expected: schedules * seconds,
      duplicates,
    };
  } finally {
    await raw.close();
  }
}

/**
 * B6: `diamonds` diamonds A→B, A→C, B→D, C→D by hand on BullMQ: a finished A adds B and C, and
 * whichever of B and C finishes second (an INCR in Redis) adds D. Seconds until every D completed.
 */
export async function diamonds({ diamonds, concurrency }) {
  const counter = connect();
  let raw;
  raw = await open(async (job) => {
    const { d, node } = job.data;
    if (node === 'A') {
      await raw.queue.addBulk([
        { name: 'noop', data: { d, node: 'B' } },
        { name: 'noop', data: { d, node: 'C' } },
      ]);
    } else if (node === 'B' || node === 'C') {
      const key = `${raw.queue.opts.prefix}:diamond:${d}`;
      if ((await counter.incr(key)) === 2) {
        await raw.queue.add('noop', { d, node: 'D' });
      }
    }
    return { ok: true };
  }, concurrency);
  try {
    const finished = completions(raw.worker, diamonds * 4);
    const started = performance.now();
    await addAll(raw.queue, diamonds, 1000, (d) => ({ name: 'noop', data: { d, node: 'A' } }));
    const ended = await finished;
    return { seconds: (ended - started) / 1000 };
  } finally {
    counter.disconnect();
    await raw.close();
  }
}

// B3 API latency at a fixed request rate (open loop): BENCH_B3_RATE requests/s for BENCH_B3_SECONDS
// of POST /v1/jobs (noop), then as long of GET /v1/jobs/:id over the jobs just created; p50/p99/max
// from each request's due instant, and each process's CPU per request (/proc/<pid>/stat). The
// baseline is raw BullMQ behind a bare node:http server (add / getJob), driven the same way. A
// warm-up of BENCH_B3_WARMUP_SECONDS at the same rate comes first, reported apart: a process's first
// second is mostly V8 compiling its code, which says little of the latency it keeps up.
import { performance } from 'node:perf_hooks';

import { startServerChild } from './lib/child.mjs';
import { config } from './lib/config.mjs';
import { meridianAnomalies } from './lib/anomalies.mjs';
import { noopJob } from './lib/load.mjs';
import { startMeridian } from './lib/meridian.mjs';
import { openLoop } from './lib/open-loop.mjs';
import { cpuMeter } from './lib/proc.mjs';
import { ratio } from './lib/stats.mjs';
import { row, shortError } from './lib/table.mjs';
import { waitForCount } from './lib/wait.mjs';

const { rate, seconds, connections, timeoutMs, warmupSeconds } = config.b3;

/** CPU ms per request of each process, and their sum. */
function cpuPerRequest(cpuSeconds, requests) {
  const perProcess = Object.fromEntries(Object.entries(cpuSeconds).map(([name, s]) => [name, (s * 1000) / requests]));
  return { ...perProcess, total: Object.values(perProcess).reduce((a, b) => a + b, 0) };
}

/** A POST /v1/jobs (noop) of the open loop, answered with the job's id alone. */
function postRequest(headers) {
  return (i) => ({
    method: 'POST',
    path: '/v1/jobs',
    headers: { ...headers, 'content-type': 'application/json', prefer: 'return=minimal' },
    body: JSON.stringify(noopJob(i)),
  });
}

/**
 * POST then GET at the fixed rate against `origin`; `settle(n)` waits until the first n created jobs
 * ran. A warm-up of `warmupSeconds` at the same rate comes first and is not counted, so the
 * figures are those of a process that has served before (its own p50/p99/max are reported apart, as
 * what a freshly started process costs its first clients).
 */
async function drive({ origin, headers, pids, settle, onIdsReady }) {
  const ids = [];
  let warmup;
  if (warmupSeconds > 0) {
    let warmed = 0;
    warmup = await openLoop({
      origin,
      rate,
      seconds: warmupSeconds,
      connections,
      timeoutMs,
      next: postRequest(headers),
      onBody: (status) => (warmed += status === 201 ? 1 : 0),
    });
    await settle(warmed);
    warmup.created = warmed;
  }
  const meter = cpuMeter(pids);
  meter.start();
  const post = await openLoop({
    origin,
    rate,
    seconds,
    connections,
    timeoutMs,
    next: postRequest(headers),
    onBody: (status, text) => {
      if (status === 201) {
        ids.push(JSON.parse(text).id);
      }
    },
  });
  const settled = performance.now();
  await settle((warmup?.created ?? 0) + ids.length);
  const settleSeconds = (performance.now() - settled) / 1000;
  const postCpu = meter.stop();
  await onIdsReady?.(ids);
  meter.start();
  const get = await openLoop({
    origin,
    rate,
    seconds,
    connections,
    timeoutMs,
    next: (i) => ({ method: 'GET', path: `/v1/jobs/${ids[i % ids.length]}`, headers }),
  });
  const getCpu = meter.stop();
  return {
    ...(warmup === undefined ? {} : { warmup: { latencyMs: warmup.latencyMs, requests: warmup.requests } }),
    post: { ...post, settleSeconds, cpuMsPerRequest: cpuPerRequest(postCpu, post.requests) },
    get: { ...get, cpuMsPerRequest: cpuPerRequest(getCpu, get.requests) },
  };
}

const baseline = {
  name: 'raw-bullmq-http',
  async run() {
    const server = await startServerChild('./http-baseline.mjs', 'serve', { concurrency: config.concurrency });
    try {
      return await drive({
        origin: `http://127.0.0.1:${server.port}`,
        headers: {},
        pids: { server: server.pid },
        settle: async () => undefined,
      });
    } finally {
      await server.stop();
    }
  },
  describe: (r) =>
    `POST p50 ${r.post.latencyMs.p50.toFixed(1)} ms p99 ${r.post.latencyMs.p99.toFixed(1)} ms; GET p50 ${r.get.latencyMs.p50.toFixed(1)} ms p99 ${r.get.latencyMs.p99.toFixed(1)} ms`,
};

const meridian = {
  name: 'meridian',
  async run() {
    const m = await startMeridian({ workers: 1 });
    try {
      const result = await drive({
        origin: m.stack.apiUrl,
        headers: { authorization: `Bearer ${m.stack.env.API_BOOTSTRAP_KEY}` },
        pids: m.pids(),
        // The POST phase's CPU includes running the jobs: wait until every created one SUCCEEDED.
        settle: (created) =>
          waitForCount(() => m.succeeded(), created, { diagnose: async () => ({ byStatus: await m.countByStatus() }) }),
      });
      return { ...result, anomalies: await meridianAnomalies(m) };
    } finally {
      await m.stop();
    }
  },
  describe: baseline.describe,
};

export const b3 = {
  id: 'b3',
  title: 'B3 API latency',
  describe: () =>
    `${rate} req/s for ${seconds} s of POST /v1/jobs (after ${warmupSeconds} s not counted), then of GET /v1/jobs/:id; open loop, up to ${connections} connections`,
  systems: () => [baseline, meridian],
  report(results) {
    const base = results['raw-bullmq-http'];
    const ours = results.meridian;
    const rows = [];
    for (const phase of ['post', 'get']) {
      const label = phase === 'post' ? 'POST /v1/jobs' : 'GET /v1/jobs/:id';
      if (ours.error !== undefined || base.error !== undefined) {
        rows.push(row('B3', label, 'Meridian', shortError(ours.error ?? base.error), ''));
        continue;
      }
      for (const p of ['p50', 'p99', 'max']) {
        rows.push(
          row(
            'B3',
            `${label} latency ${p} at ${rate}/s`,
            'Meridian',
            ours[phase].latencyMs[p],
            'ms',
            'raw BullMQ + node:http',
            base[phase].latencyMs[p],
            ratio(ours[phase].latencyMs[p], base[phase].latencyMs[p]),
          ),
        );
      }
      if (phase === 'post' && ours.warmup !== undefined && base.warmup !== undefined) {
        // The first seconds of a freshly started process, apart: not in the figures above.
        for (const p of ['p99', 'max']) {
          rows.push(
            row(
              'B3',
              `${label} latency ${p} in the ${warmupSeconds} s warm-up (not counted above)`,
              'Meridian',
              ours.warmup.latencyMs[p],
              'ms',
              'raw BullMQ + node:http',
              base.warmup.latencyMs[p],
              ratio(ours.warmup.latencyMs[p], base.warmup.latencyMs[p]),
            ),
          );
        }
      }
      // Answers (any status) within the timeout, per second of the phase: what the server kept up with.
      const goodput = (r) => (r.requests - r.timeouts - r.errors) / Math.max(seconds, r.drainedSeconds);
      rows.push(
        row(
          'B3',
          `${label} answered within ${timeoutMs / 1000} s, per second`,
          'Meridian',
          goodput(ours[phase]),
          'req/s',
          'raw BullMQ + node:http',
          goodput(base[phase]),
          ratio(goodput(ours[phase]), goodput(base[phase])),
        ),
      );
      const failed =
        ours[phase].errors +
        ours[phase].timeouts +
        Object.entries(ours[phase].statuses)
          .filter(([s]) => Number(s) >= 400)
          .reduce((a, [, n]) => a + n, 0);
      rows.push(
        row(
          'B3',
          `${label} failed requests`,
          'Meridian',
          failed,
          '',
          'raw BullMQ + node:http',
          base[phase].errors + base[phase].timeouts,
          Number.NaN,
        ),
      );
      const cpu = ours[phase].cpuMsPerRequest;
      for (const name of Object.keys(cpu).filter((key) => key !== 'total')) {
        rows.push(row('B3', `${label} CPU per request`, `Meridian ${name}`, cpu[name], 'ms'));
      }
      rows.push(
        row(
          'B3',
          `${label} CPU per request`,
          'Meridian, all processes',
          cpu.total,
          'ms',
          'raw BullMQ + node:http',
          base[phase].cpuMsPerRequest.total,
          ratio(cpu.total, base[phase].cpuMsPerRequest.total),
        ),
      );
    }
    return rows;
  },
};

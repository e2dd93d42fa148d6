// An open-loop HTTP load driver: request i is due at start + i / rate whether or not earlier ones
// have been answered, and its latency is counted from that due instant (so a slow server cannot slow
// the driver down and hide its own queueing: no coordinated omission). Requests beyond the open
// connections wait in the driver's queue, and that wait counts too.
import { performance } from 'node:perf_hooks';

import { Agent, request } from 'undici';

import { summarize } from './stats.mjs';

/**
 * Sends `rate` requests per second for `seconds`; `next(i)` builds request i as
 * `{ method, path, headers, body }` against `origin`. Answers latency in ms (p50, p99, max), the
 * statuses seen, timeouts (counted in the percentiles as `timeoutMs`), and how late the driver itself
 * fell behind its schedule. `onBody(status, text)`, if
 * given, receives every answer's body (read before the latency is taken, as a client would).
 */
export async function openLoop({ origin, rate, seconds, connections, timeoutMs, next, onBody }) {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(rate * seconds);
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let timeouts = 0;
  const errorSamples = new Set();
  let maxSendLagMs = 0;
  const inflight = new Set();
  const started = performance.now();

  const fire = (i, due) => {
    const spec = next(i);
    // Every request ends by its due instant + timeoutMs, queued in the driver or not, so a server
    // that falls behind cannot make the run last for ever; a timed-out request counts as timeoutMs.
    const signal = AbortSignal.timeout(Math.max(1, Math.round(due + timeoutMs - performance.now())));
    const task = request(`${origin}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      dispatcher: agent,
      signal,
    })
      .then(async (response) => {
        if (onBody === undefined) {
          await response.body.dump();
        } else {
          onBody(response.statusCode, await response.body.text());
        }
        latencies.push(performance.now() - due);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      })
      .catch((error) => {
        if (signal.aborted) {
          timeouts += 1;
          latencies.push(timeoutMs);
        } else {
          errors += 1;
          errorSamples.add(String(error?.code ?? error?.message ?? error));
        }
      })
      .finally(() => inflight.delete(task));
    inflight.add(task);
  };

  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const dueNow = Math.min(total, Math.floor(((now - started) / 1000) * rate) + 1);
    for (; sent < dueNow; sent += 1) {
      const due = started + (sent / rate) * 1000;
      maxSendLagMs = Math.max(maxSendLagMs, now - due);
      fire(sent, due);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  const drainedSeconds = (performance.now() - started) / 1000;
  await agent.close();
  return {
    requests: total,
    latencyMs: summarize(latencies),
    statuses,
    errors,
    errorSamples: [...errorSamples].slice(0, 5),
    timeouts,
    achievedRate: total / sendSeconds,
    drainedSeconds,
    maxSendLagMs,
  };
}

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
 * statuses seen, and how late the driver itself fell behind its schedule. `onBody(status, text)`, if
 * given, receives every answer's body (read before the latency is taken, as a client would).
 */
export async function openLoop({ origin, rate, seconds, connections, timeoutMs, next, onBody }) {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(rate * seconds);
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let timeouts = 0;
  let maxSendLagMs = 0;
  const inflight = new Set();
  const started = performance.now();

  const fire = (i, due) => {
    const spec = next(i);
    const task = request(`${origin}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
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
        if (error?.code === 'UND_ERR_HEADERS_TIMEOUT' || error?.code === 'UND_ERR_BODY_TIMEOUT') {
          timeouts += 1;
        } else {
          errors += 1;
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
    timeouts,
    achievedRate: total / sendSeconds,
    drainedSeconds,
    maxSendLagMs,
  };
}

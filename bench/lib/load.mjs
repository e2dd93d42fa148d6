// Ways of creating jobs in Meridian, shared by the benchmarks.
import { performance } from 'node:perf_hooks';

/** The job every throughput benchmark runs: the built-in noop handler with a small payload. */
export function noopJob(i, extra = {}) {
  return { name: 'bench', handler: 'noop', payload: { i }, ...extra };
}

/**
 * Creates `total` jobs `make(i)` with `clients` HTTP clients, each sending one request at a time.
 * Answers the ids and each request's latency in ms (closed loop: from sending to the answer).
 */
export async function createSingles(meridian, total, clients, make = noopJob) {
  let next = 0;
  const ids = new Array(total);
  const latenciesMs = new Float64Array(total);
  const client = async () => {
    while (next < total) {
      const i = next;
      next += 1;
      const sent = performance.now();
      ids[i] = await meridian.createJob(make(i));
      latenciesMs[i] = performance.now() - sent;
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, total) }, client));
  return { ids, latenciesMs };
}

/** Creates `total` jobs `make(i)` through the batch route, `chunk` per request, one request after another. */
export async function createBatches(meridian, total, chunk, make = noopJob) {
  const ids = [];
  for (let i = 0; i < total; i += chunk) {
    const size = Math.min(chunk, total - i);
    ids.push(...(await meridian.createBatch(Array.from({ length: size }, (_, k) => make(i + k)))));
  }
  return ids;
}

/** Whether an error says the batch route is not there (yet): the benchmark reports it and goes on. */
export function isMissingRoute(error) {
  return error?.status === 404 || error?.status === 405;
}

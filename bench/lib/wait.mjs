import { performance } from 'node:perf_hooks';

import { config } from './config.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A run that stopped progressing before it completed, with what the system said about it then. */
export class StuckError extends Error {
  constructor(message, details) {
    super(message);
    this.details = details;
  }
}

/**
 * Polls `count()` every BENCH_POLL_MS until it reaches `target`; answers the instant (performance.now())
 * it was first seen there. Gives up with a StuckError when the count has not moved for `stallMs`, or
 * after BENCH_RUN_TIMEOUT_MS in all, with `diagnose()`'s answer attached.
 */
export async function waitForCount(count, target, { stallMs = 60_000, diagnose = async () => undefined } = {}) {
  const started = performance.now();
  let last = -1;
  let lastMoved = started;
  for (;;) {
    const now = performance.now();
    const value = await count();
    if (value >= target) {
      return performance.now();
    }
    if (value !== last) {
      last = value;
      lastMoved = now;
    }
    if (now - lastMoved > stallMs || now - started > config.runTimeoutMs) {
      const details = await diagnose().catch((error) => ({ diagnoseFailed: error.message }));
      throw new StuckError(
        `stuck at ${value}/${target} after ${((now - started) / 1000).toFixed(1)} s: ${JSON.stringify(details)}`,
        { reached: value, target, ...details },
      );
    }
    await sleep(config.pollMs);
  }
}

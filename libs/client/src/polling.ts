import { MeridianApiError } from './meridian-api.error.js';
import { MeridianNetworkError } from './meridian-network.error.js';

/** How a helper polls: until `deadline` (epoch ms), every `intervalMs`, unless `signal` aborts. */
export interface PollPlan {
  deadline: number;
  intervalMs: number;
  signal: AbortSignal | undefined;
  /**
   * Whether the API has answered before: until it has, a request that gets no answer is a wrong
   * base URL or a stopped API and fails at once; after, it is a restart or a blip, polled through.
   */
  reached: boolean;
}

/**
 * Reads `read` until `done` holds of what it answers, and answers that. `onEach` sees every answer.
 * Answers that say "try again" (429, 502, 503, 504) and, once the API has answered, requests that
 * get no answer are polled through until the deadline; any other error rejects at once. Past the
 * deadline it rejects with `timeout(last answer, last failure)`; aborted, with the signal's reason.
 */
export async function pollUntil<T>(
  plan: PollPlan,
  read: (signal: AbortSignal) => Promise<T>,
  done: (answer: T) => boolean,
  timeout: (last: T | undefined, lastFailure: unknown) => Error,
  onEach: (answer: T) => void = () => undefined,
): Promise<T> {
  let last: T | undefined;
  let lastFailure: unknown;
  let { reached } = plan;
  for (;;) {
    plan.signal?.throwIfAborted();
    let answer: T | undefined;
    try {
      answer = await read(requestSignal(plan));
    } catch (error) {
      plan.signal?.throwIfAborted();
      // By name: the DOMException may come from another realm than this module's.
      const timedOut = (error as { name?: unknown } | undefined)?.name === 'TimeoutError';
      if (!timedOut && !(isTryAgain(error) || (reached && error instanceof MeridianNetworkError))) {
        throw error;
      }
      lastFailure = error;
    }
    if (answer !== undefined) {
      reached = true;
      last = answer;
      lastFailure = undefined;
      onEach(answer);
      if (done(answer)) {
        return answer;
      }
    }
    const remaining = plan.deadline - Date.now();
    if (remaining <= 0) {
      throw timeout(last, lastFailure);
    }
    await sleep(Math.min(plan.intervalMs, remaining), plan.signal);
  }
}

/** The caller's signal, and the deadline: a request that hangs must not outlive the wait. */
function requestSignal(plan: PollPlan): AbortSignal {
  const untilDeadline = AbortSignal.timeout(Math.max(1, plan.deadline - Date.now()));
  return plan.signal === undefined ? untilDeadline : AbortSignal.any([plan.signal, untilDeadline]);
}

/** Answers that say the request may succeed if made again later: rate limited, or a gateway or the API unavailable. */
function isTryAgain(error: unknown): boolean {
  return error instanceof MeridianApiError && [429, 502, 503, 504].includes(error.status);
}

/** Waits `ms`, or rejects with the signal's reason once it aborts; plain timers, so it runs in a browser too. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

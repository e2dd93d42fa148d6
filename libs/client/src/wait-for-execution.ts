import type { Execution } from './api-types.js';
import { isEndedStatus } from './execution-status.js';
import type { MeridianClient } from './meridian-client.js';
import { type PollPlan, pollUntil } from './polling.js';
import { readExecutionWithAttempts } from './read-execution.js';
import { WaitTimeoutError } from './wait-timeout.error.js';

/** How long and how often a helper waits. */
export interface WaitOptions {
  /**
   * How long to wait in all before rejecting with a `WaitTimeoutError`.
   * @defaultValue 60000
   */
  timeoutMs?: number;
  /**
   * The pause between two reads of the execution.
   * @defaultValue 500
   */
  intervalMs?: number;
  /** Stops the wait (and the request in flight); the wait rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the execution when first read and each time its status or its attempts change. */
  onChange?: (execution: Execution) => void;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 60_000;
export const DEFAULT_WAIT_INTERVAL_MS = 500;

/**
 * Reads `GET /v1/executions/{id}` until the execution has ended (SUCCEEDED, DEAD, CANCELLED or
 * SKIPPED: see `ENDED_EXECUTION_STATUSES`) and answers it with every attempt. Rejects with a
 * `WaitTimeoutError` past `timeoutMs`, with the signal's reason when aborted, with a
 * `MeridianApiError` when the API refuses (404 for an unknown id), and with a `MeridianNetworkError`
 * when the API cannot be reached at the first read; after that, rate limits, 502/503/504 and
 * unanswered requests (an API restarting) are read through until the deadline.
 */
export function waitForExecution(
  client: MeridianClient,
  executionId: string,
  options: WaitOptions = {},
): Promise<Execution> {
  return waitUntilEnded(client, executionId, planOf(options, false), options);
}

export function planOf(options: WaitOptions, reached: boolean): PollPlan & { timeoutMs: number } {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  return {
    timeoutMs,
    deadline: Date.now() + timeoutMs,
    intervalMs: options.intervalMs ?? DEFAULT_WAIT_INTERVAL_MS,
    signal: options.signal,
    reached,
  };
}

/** The wait itself, on a plan whose deadline may have started earlier (createJobAndWait's). */
export function waitUntilEnded(
  client: MeridianClient,
  executionId: string,
  plan: PollPlan & { timeoutMs: number },
  options: Pick<WaitOptions, 'onChange'>,
): Promise<Execution> {
  let seen: string | undefined;
  return pollUntil(
    plan,
    (signal) => readExecutionWithAttempts(client, executionId, { signal }),
    (execution) => isEndedStatus(execution.status),
    (last, lastFailure) => new WaitTimeoutError(`execution ${executionId}`, plan.timeoutMs, last, lastFailure),
    (execution) => {
      const now = fingerprintOf(execution);
      if (now !== seen) {
        seen = now;
        options.onChange?.(execution);
      }
    },
  );
}

/** What a change is to `onChange`: the status, and each attempt's outcome. */
function fingerprintOf(execution: Execution): string {
  return JSON.stringify([
    execution.status,
    (execution.attempts ?? []).map((attempt) => [attempt.attempt, attempt.outcome]),
  ]);
}

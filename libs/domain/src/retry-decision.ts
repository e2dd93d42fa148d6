import { backoffDelay, type RetryPolicy } from './backoff.js';

export type FailureDecision =
  { kind: 'retry'; delayMs: number } | { kind: 'dead'; reason: 'exhausted' | 'non_retryable' };

/** What happens to an execution after attempt `attempt` failed. */
export function decideAfterFailure(
  policy: RetryPolicy,
  attempt: number,
  retryable: boolean,
  random: number = Math.random(),
): FailureDecision {
  if (!retryable) {
    return { kind: 'dead', reason: 'non_retryable' };
  }
  if (attempt >= policy.maxAttempts) {
    return { kind: 'dead', reason: 'exhausted' };
  }
  return { kind: 'retry', delayMs: backoffDelay(policy, attempt, random) };
}

import { assertNever } from './assert-never.js';

export type BackoffType = 'EXPONENTIAL' | 'FIXED';

/** How an execution is retried after a failed attempt. */
export interface RetryPolicy {
  /** Attempts in all, the first one included. @defaultValue 3 */
  maxAttempts: number;
  /** @defaultValue 'EXPONENTIAL' */
  backoffType: BackoffType;
  /** Delay before the second attempt; exponential backoff doubles it per attempt. @defaultValue 1000 */
  backoffDelayMs: number;
  /** Upper bound of any single delay, jitter included. @defaultValue 3_600_000 */
  backoffMaxDelayMs: number;
  /**
   * Fraction of the delay that is randomised (0 = none, 1 = "full jitter"), so that executions failing
   * together do not retry together. @defaultValue 0.2
   */
  backoffJitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  backoffType: 'EXPONENTIAL',
  backoffDelayMs: 1000,
  backoffMaxDelayMs: 3_600_000,
  backoffJitter: 0.2,
};

/**
 * Delay before the attempt after `failedAttempt` (1-based). The jitter takes away up to
 * `backoffJitter` of the delay, never adds, so the cap is never exceeded.
 *
 * @param random a number in [0, 1); injected so tests are deterministic.
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: number = Math.random()): number {
  const base = baseDelay(policy, failedAttempt);
  const capped = Math.min(base, policy.backoffMaxDelayMs);
  const jitter = capped * policy.backoffJitter * random;
  return Math.max(0, Math.round(capped - jitter));
}

function baseDelay(policy: RetryPolicy, failedAttempt: number): number {
  switch (policy.backoffType) {
    case 'FIXED':
      return policy.backoffDelayMs;
    case 'EXPONENTIAL':
      // 2 ** 1023 is the largest finite power; the cap applies right after.
      return policy.backoffDelayMs * 2 ** Math.min(Math.max(failedAttempt - 1, 0), 1023);
    default:
      return assertNever(policy.backoffType);
  }
}

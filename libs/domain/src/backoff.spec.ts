import { describe, expect, it } from '@jest/globals';

import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import { decideAfterFailure } from './retry-decision.js';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  backoffJitter: 0,
  ...overrides,
});

describe('backoffDelay', () => {
  it('should double an exponential delay with every failed attempt', () => {
    const sut = policy({ backoffDelayMs: 100 });
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(sut, attempt, 0))).toEqual([100, 200, 400, 800, 1600]);
  });

  it('should keep a fixed delay the same', () => {
    const sut = policy({ backoffType: 'FIXED', backoffDelayMs: 250 });
    expect([1, 2, 7].map((attempt) => backoffDelay(sut, attempt, 0))).toEqual([250, 250, 250]);
  });

  it('should never exceed the maximum delay', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffMaxDelayMs: 5000 });
    expect(backoffDelay(sut, 10, 0)).toBe(5000);
    expect(backoffDelay(sut, 100_000, 0)).toBe(5000);
  });

  it('should stay finite for absurd attempt numbers', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffMaxDelayMs: 60_000 });
    expect(backoffDelay(sut, Number.MAX_SAFE_INTEGER, 0)).toBe(60_000);
  });

  it('should take jitter off the delay, never add it', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 0.5 });
    expect(backoffDelay(sut, 1, 0)).toBe(1000);
    expect(backoffDelay(sut, 1, 0.5)).toBe(750);
    expect(backoffDelay(sut, 1, 0.999_999)).toBe(500);
  });

  it('should spread jittered delays between (1 - jitter) and 1 times the base', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 0.2 });
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelay(sut, 1);
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('should allow a zero delay', () => {
    expect(backoffDelay(policy({ backoffDelayMs: 0 }), 3, 0.3)).toBe(0);
  });
});

describe('decideAfterFailure', () => {
  const sut = policy({ maxAttempts: 3, backoffDelayMs: 100 });

  it('should retry a retryable failure while attempts remain, after the backoff delay', () => {
    expect(decideAfterFailure(sut, 1, true, 0)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(decideAfterFailure(sut, 2, true, 0)).toEqual({ kind: 'retry', delayMs: 200 });
  });

  it('should end an execution whose attempts are exhausted', () => {
    expect(decideAfterFailure(sut, 3, true)).toEqual({ kind: 'dead', reason: 'exhausted' });
    expect(decideAfterFailure(sut, 4, true)).toEqual({ kind: 'dead', reason: 'exhausted' });
  });

  it('should end an execution at once on a non-retryable failure', () => {
    expect(decideAfterFailure(sut, 1, false)).toEqual({ kind: 'dead', reason: 'non_retryable' });
  });

  it('should never retry when only one attempt is allowed', () => {
    expect(decideAfterFailure(policy({ maxAttempts: 1 }), 1, true)).toEqual({ kind: 'dead', reason: 'exhausted' });
  });
});

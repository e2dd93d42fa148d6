import { describe, expect, it } from '@jest/globals';

import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import { decideAfterFailure } from './retry-decision.js';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  backoffJitter: 0,
  ...overrides,
});

describe('decideAfterFailure', () => {
  const sut = policy({ maxAttempts: 3, backoffDelayMs: 100 });

  it('should retry a retryable failure while attempts remain, after the backoff delay', () => {
    expect(decideAfterFailure(sut, 1, true, 0)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(decideAfterFailure(sut, 2, true, 0)).toEqual({ kind: 'retry', delayMs: 200 });
  });

  it('should pass its random number to the backoff, so the delay is jittered', () => {
    const jittered = policy({ maxAttempts: 3, backoffDelayMs: 1000, backoffJitter: 0.5 });
    expect(decideAfterFailure(jittered, 1, true, 0.5)).toEqual({ kind: 'retry', delayMs: 750 });
  });

  it('should use a fixed backoff as the policy says', () => {
    const fixed = policy({ maxAttempts: 5, backoffType: 'FIXED', backoffDelayMs: 300 });
    expect(decideAfterFailure(fixed, 4, true, 0)).toEqual({ kind: 'retry', delayMs: 300 });
  });

  it('should end an execution whose last attempt failed as exhausted', () => {
    expect(decideAfterFailure(sut, 3, true, 0)).toEqual({ kind: 'dead', reason: 'exhausted' });
  });

  it('should end an execution past its last attempt as exhausted', () => {
    expect(decideAfterFailure(sut, 4, true, 0)).toEqual({ kind: 'dead', reason: 'exhausted' });
    expect(decideAfterFailure(sut, 1000, true, 0)).toEqual({ kind: 'dead', reason: 'exhausted' });
  });

  it('should end an execution at once on a non-retryable failure, whatever attempts remain', () => {
    expect(decideAfterFailure(sut, 1, false, 0)).toEqual({ kind: 'dead', reason: 'non_retryable' });
    expect(decideAfterFailure(policy({ maxAttempts: 100 }), 1, false, 0)).toEqual({
      kind: 'dead',
      reason: 'non_retryable',
    });
  });

  it('should call a non-retryable failure on the last attempt non-retryable, not exhausted', () => {
    expect(decideAfterFailure(sut, 3, false, 0)).toEqual({ kind: 'dead', reason: 'non_retryable' });
  });

  it('should never retry when only one attempt is allowed', () => {
    expect(decideAfterFailure(policy({ maxAttempts: 1 }), 1, true, 0)).toEqual({ kind: 'dead', reason: 'exhausted' });
  });

  it('should retry with a jittered delay no longer than the un-jittered one by default', () => {
    const decision = decideAfterFailure(policy({ backoffDelayMs: 1000, backoffJitter: 0.2 }), 1, true);
    expect(decision.kind).toBe('retry');
    const { delayMs } = decision as { kind: 'retry'; delayMs: number };
    expect(delayMs).toBeGreaterThanOrEqual(800);
    expect(delayMs).toBeLessThanOrEqual(1000);
  });
});

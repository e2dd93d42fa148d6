import { describe, expect, it } from '@jest/globals';

import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';

/** A policy without jitter unless a test asks for it, so delays are exact. */
const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  backoffJitter: 0,
  ...overrides,
});

/** The largest value `Math.random()` can return. */
const ALMOST_ONE = 1 - Number.EPSILON / 2;

describe('DEFAULT_RETRY_POLICY', () => {
  it('should try three times, exponentially from one second, capped at an hour, with 20 % jitter', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxAttempts: 3,
      backoffType: 'EXPONENTIAL',
      backoffDelayMs: 1000,
      backoffMaxDelayMs: 3_600_000,
      backoffJitter: 0.2,
    });
  });
});

describe('backoffDelay', () => {
  it('should double an exponential delay with every failed attempt', () => {
    const sut = policy({ backoffDelayMs: 100 });
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(sut, attempt, 0))).toEqual([
      100, 200, 400, 800, 1600, 3200,
    ]);
  });

  it('should wait the base delay after the first failure', () => {
    expect(backoffDelay(policy({ backoffDelayMs: 1234 }), 1, 0)).toBe(1234);
  });

  it('should treat an attempt number below one as the first', () => {
    const sut = policy({ backoffDelayMs: 100 });
    expect(backoffDelay(sut, 0, 0)).toBe(100);
    expect(backoffDelay(sut, -5, 0)).toBe(100);
  });

  it('should keep a fixed delay the same on every attempt', () => {
    const sut = policy({ backoffType: 'FIXED', backoffDelayMs: 250 });
    expect([1, 2, 7, 1000].map((attempt) => backoffDelay(sut, attempt, 0))).toEqual([250, 250, 250, 250]);
  });

  it('should cap an exponential delay at backoffMaxDelayMs', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffMaxDelayMs: 5000 });
    expect([1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(sut, attempt, 0))).toEqual([
      1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });

  it('should cap a fixed delay at backoffMaxDelayMs', () => {
    expect(backoffDelay(policy({ backoffType: 'FIXED', backoffDelayMs: 9000, backoffMaxDelayMs: 5000 }), 1, 0)).toBe(
      5000,
    );
  });

  it.each([31, 32, 53, 64, 1024, 1025, 100_000, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE])(
    'should give the capped, finite delay for attempt %d instead of overflowing',
    (attempt) => {
      const sut = policy({ backoffDelayMs: 1000, backoffMaxDelayMs: 60_000 });
      const delay = backoffDelay(sut, attempt, 0);

      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBe(60_000);
    },
  );

  it('should stay finite for huge attempt numbers when jitter is on', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffMaxDelayMs: 60_000, backoffJitter: 0.5 });
    expect(backoffDelay(sut, Number.MAX_SAFE_INTEGER, 0.5)).toBe(45_000);
  });

  it('should give the full delay when random is 0', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 0.2 });
    expect(backoffDelay(sut, 1, 0)).toBe(1000);
    expect(backoffDelay(sut, 3, 0)).toBe(4000);
  });

  it('should take off the whole jitter fraction as random approaches 1', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 0.2 });
    expect(backoffDelay(sut, 1, ALMOST_ONE)).toBe(800);
    expect(backoffDelay(sut, 3, ALMOST_ONE)).toBe(3200);
  });

  it('should take off jitter in proportion to random, never add it', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 0.5 });
    expect([0, 0.25, 0.5, 0.75, ALMOST_ONE].map((random) => backoffDelay(sut, 1, random))).toEqual([
      1000, 875, 750, 625, 500,
    ]);
  });

  it('should apply jitter to the capped delay, so the cap is never exceeded', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffMaxDelayMs: 5000, backoffJitter: 0.2 });
    expect(backoffDelay(sut, 20, 0)).toBe(5000);
    expect(backoffDelay(sut, 20, ALMOST_ONE)).toBe(4000);
  });

  it('should allow full jitter down to a zero delay', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 1 });
    expect(backoffDelay(sut, 1, ALMOST_ONE)).toBe(0);
  });

  it('should stay within [(1 - jitter) * delay, delay] with the default random source', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 0.2 });
    for (let i = 0; i < 500; i += 1) {
      const delay = backoffDelay(sut, 1);
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('should return whole milliseconds', () => {
    const sut = policy({ backoffDelayMs: 1000, backoffJitter: 0.3 });
    expect(Number.isInteger(backoffDelay(sut, 1, 0.123_456))).toBe(true);
    expect(backoffDelay(sut, 1, 0.123_456)).toBe(963);
  });

  it('should allow a zero delay', () => {
    expect(backoffDelay(policy({ backoffDelayMs: 0 }), 3, 0.3)).toBe(0);
    expect(backoffDelay(policy({ backoffDelayMs: 0 }), Number.MAX_SAFE_INTEGER, 0)).toBe(0);
  });

  it('should never go negative, even for a jitter fraction above 1', () => {
    expect(backoffDelay(policy({ backoffDelayMs: 1000, backoffJitter: 3 }), 1, 0.9)).toBe(0);
  });
});

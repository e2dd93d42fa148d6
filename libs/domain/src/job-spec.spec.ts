import { describe, expect, it } from '@jest/globals';

import { PayloadTooLargeError, ValidationError } from './errors.js';
import { type JobSpecLimits, parseJobSpec } from './job-spec.js';

const limits: JobSpecLimits = { maxPayloadBytes: 1024, runAtPastToleranceMs: 60_000 };
const now = new Date('2026-03-01T12:00:00.000Z');

function issuesOf(body: unknown): string[] {
  try {
    parseJobSpec(body, limits, now);
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.issues.map((issue) => issue.path);
    }
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('parseJobSpec', () => {
  it('should fill in every default', () => {
    const spec = parseJobSpec({ name: 'report', handler: 'noop' }, limits, now);

    expect(spec).toEqual({
      name: 'report',
      handler: 'noop',
      payload: {},
      queue: 'default',
      priority: 0,
      runAt: null,
      scheduledFor: now,
      timeoutMs: 300_000,
      recurrence: null,
      retry: {
        maxAttempts: 3,
        backoffType: 'EXPONENTIAL',
        backoffDelayMs: 1000,
        backoffMaxDelayMs: 3_600_000,
        backoffJitter: 0.2,
      },
    });
  });

  it('should schedule a delayed job delayMs after now', () => {
    const spec = parseJobSpec({ name: 'later', handler: 'noop', delayMs: 90_000 }, limits, now);
    expect(spec.scheduledFor.toISOString()).toBe('2026-03-01T12:01:30.000Z');
    expect(spec.runAt).toBeNull();
  });

  it('should schedule at runAt, accepting any offset', () => {
    const spec = parseJobSpec({ name: 'at', handler: 'noop', runAt: '2026-03-01T14:30:00+01:00' }, limits, now);
    expect(spec.scheduledFor.toISOString()).toBe('2026-03-01T13:30:00.000Z');
    expect(spec.runAt).toEqual(spec.scheduledFor);
  });

  it('should accept a runAt slightly in the past (clock skew) and refuse one beyond the tolerance', () => {
    expect(parseJobSpec({ name: 'skew', handler: 'noop', runAt: '2026-03-01T11:59:30Z' }, limits, now).runAt).toEqual(
      new Date('2026-03-01T11:59:30Z'),
    );
    expect(issuesOf({ name: 'old', handler: 'noop', runAt: '2026-03-01T11:58:00Z' })).toEqual(['runAt']);
  });

  it('should map the retry policy to domain shape', () => {
    const spec = parseJobSpec(
      {
        name: 'r',
        handler: 'noop',
        retry: { maxAttempts: 5, backoff: { type: 'fixed', delayMs: 10, maxDelayMs: 20, jitter: 0 } },
      },
      limits,
      now,
    );
    expect(spec.retry).toEqual({
      maxAttempts: 5,
      backoffType: 'FIXED',
      backoffDelayMs: 10,
      backoffMaxDelayMs: 20,
      backoffJitter: 0,
    });
  });

  it('should refuse a payload larger than the limit', () => {
    expect(() =>
      parseJobSpec({ name: 'big', handler: 'noop', payload: { blob: 'x'.repeat(1024) } }, limits, now),
    ).toThrow(PayloadTooLargeError);
  });

  it.each([
    ['not an object', 'job', ['(root)']],
    ['missing name and handler', {}, ['name', 'handler']],
    ['blank name', { name: ' ', handler: 'noop' }, ['name']],
    ['handler with upper case', { name: 'x', handler: 'Noop' }, ['handler']],
    ['unknown field', { name: 'x', handler: 'noop', every: '5m' }, ['every']],
    ['string number', { name: 'x', handler: 'noop', timeoutMs: '1000' }, ['timeoutMs']],
    ['negative priority', { name: 'x', handler: 'noop', priority: -1 }, ['priority']],
    ['runAt and delayMs', { name: 'x', handler: 'noop', runAt: '2026-03-02T00:00:00Z', delayMs: 5 }, ['delayMs']],
    ['unknown retry field', { name: 'x', handler: 'noop', retry: { max: 2 } }, ['retry.max']],
    ['too many attempts', { name: 'x', handler: 'noop', retry: { maxAttempts: 101 } }, ['retry.maxAttempts']],
    [
      'backoff over a week',
      { name: 'x', handler: 'noop', retry: { backoff: { delayMs: 8 * 86_400_000, maxDelayMs: 8 * 86_400_000 } } },
      ['retry.backoff.delayMs', 'retry.backoff.maxDelayMs'],
    ],
    ['queue with capitals', { name: 'x', handler: 'noop', queue: 'Reports' }, ['queue']],
  ])('should refuse %s, naming the field', (_case, body, paths) => {
    expect(issuesOf(body)).toEqual(paths);
  });
});

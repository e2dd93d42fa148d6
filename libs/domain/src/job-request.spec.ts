import { describe, expect, it } from '@jest/globals';

import { PayloadTooLargeError, ValidationError } from './errors.js';
import { type JobSpecLimits, MAX_PAYLOAD_DEPTH, parseJobSpec, parseJobUpdate } from './job-request.js';

const limits: JobSpecLimits = { maxPayloadBytes: 1024, runAtPastToleranceMs: 60_000 };
const now = new Date('2026-03-01T12:00:00.000Z');
const minimal = { name: 'report', handler: 'noop' };

function failureOf(body: unknown, withLimits: JobSpecLimits = limits): unknown {
  try {
    parseJobSpec(body, withLimits, now);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseJobSpec to refuse the body');
}

function issuesOf(body: unknown): string[] {
  const error = failureOf(body);
  if (error instanceof ValidationError) {
    return error.issues.map((issue) => issue.path);
  }
  throw error;
}

/** A payload whose JSON text is exactly `bytes` long: {"s":"xxx…"} */
const payloadOfBytes = (bytes: number) => ({ s: 'x'.repeat(bytes - '{"s":""}'.length) });

describe('parseJobSpec', () => {
  describe('defaults', () => {
    it('should fill in every default', () => {
      expect(parseJobSpec(minimal, limits, now)).toEqual({
        name: 'report',
        handler: 'noop',
        payload: {},
        queue: 'default',
        priority: 0,
        runAt: null,
        scheduledFor: now,
        timeoutMs: 300_000,
        dependsOn: [],
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

    it('should fill in the backoff defaults when only maxAttempts is given', () => {
      expect(parseJobSpec({ ...minimal, retry: { maxAttempts: 7 } }, limits, now).retry).toEqual({
        maxAttempts: 7,
        backoffType: 'EXPONENTIAL',
        backoffDelayMs: 1000,
        backoffMaxDelayMs: 3_600_000,
        backoffJitter: 0.2,
      });
    });

    it('should fill in the rest of a backoff when only its type is given', () => {
      expect(parseJobSpec({ ...minimal, retry: { backoff: { type: 'fixed' } } }, limits, now).retry).toEqual({
        maxAttempts: 3,
        backoffType: 'FIXED',
        backoffDelayMs: 1000,
        backoffMaxDelayMs: 3_600_000,
        backoffJitter: 0.2,
      });
    });

    it('should keep given values instead of defaults', () => {
      const spec = parseJobSpec(
        { ...minimal, queue: 'reports', priority: 1000, timeoutMs: 1, payload: { to: 'ada' } },
        limits,
        now,
      );
      expect(spec).toMatchObject({ queue: 'reports', priority: 1000, timeoutMs: 1, payload: { to: 'ada' } });
    });

    it('should trim the name', () => {
      expect(parseJobSpec({ ...minimal, name: '  nightly report  ' }, limits, now).name).toBe('nightly report');
    });

    it('should accept any JSON value as the payload', () => {
      expect(parseJobSpec({ ...minimal, payload: [1, 'two', null] }, limits, now).payload).toEqual([1, 'two', null]);
      expect(parseJobSpec({ ...minimal, payload: 'text' }, limits, now).payload).toBe('text');
      expect(parseJobSpec({ ...minimal, payload: null }, limits, now).payload).toBeNull();
    });

    it('should map the retry policy to domain shape', () => {
      const spec = parseJobSpec(
        { ...minimal, retry: { maxAttempts: 5, backoff: { type: 'fixed', delayMs: 10, maxDelayMs: 20, jitter: 0 } } },
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
  });

  describe('when it runs', () => {
    it('should schedule a job without runAt or delayMs for now', () => {
      const spec = parseJobSpec(minimal, limits, now);
      expect(spec.scheduledFor).toEqual(now);
      expect(spec.runAt).toBeNull();
    });

    it('should schedule a delayed job delayMs after the injected now', () => {
      const spec = parseJobSpec({ ...minimal, delayMs: 90_000 }, limits, now);
      expect(spec.scheduledFor.toISOString()).toBe('2026-03-01T12:01:30.000Z');
      expect(spec.runAt).toBeNull();
    });

    it('should schedule a job with delayMs 0 for now', () => {
      expect(parseJobSpec({ ...minimal, delayMs: 0 }, limits, now).scheduledFor).toEqual(now);
    });

    it('should schedule at runAt, accepting any offset', () => {
      const spec = parseJobSpec({ ...minimal, runAt: '2026-03-01T14:30:00+01:00' }, limits, now);
      expect(spec.scheduledFor.toISOString()).toBe('2026-03-01T13:30:00.000Z');
      expect(spec.runAt).toEqual(spec.scheduledFor);
    });

    it('should refuse runAt together with delayMs', () => {
      expect(issuesOf({ ...minimal, runAt: '2026-03-02T00:00:00Z', delayMs: 5 })).toEqual(['delayMs']);
      expect(issuesOf({ ...minimal, runAt: '2026-03-02T00:00:00Z', delayMs: 0 })).toEqual(['delayMs']);
    });

    it('should accept a runAt in the past up to the tolerance (clock skew)', () => {
      expect(parseJobSpec({ ...minimal, runAt: '2026-03-01T11:59:30Z' }, limits, now).runAt).toEqual(
        new Date('2026-03-01T11:59:30Z'),
      );
      expect(parseJobSpec({ ...minimal, runAt: '2026-03-01T11:59:00.000Z' }, limits, now).runAt).toEqual(
        new Date('2026-03-01T11:59:00.000Z'),
      );
    });

    it('should refuse a runAt further in the past than the tolerance, naming runAt', () => {
      expect(issuesOf({ ...minimal, runAt: '2026-03-01T11:58:59.999Z' })).toEqual(['runAt']);
      expect(issuesOf({ ...minimal, runAt: '2020-01-01T00:00:00Z' })).toEqual(['runAt']);
    });

    it('should refuse a runAt further ahead than delayMs may reach (366 days), naming runAt', () => {
      expect(parseJobSpec({ ...minimal, runAt: '2027-03-02T12:00:00.000Z' }, limits, now).runAt).toEqual(
        new Date('2027-03-02T12:00:00.000Z'),
      );
      expect(issuesOf({ ...minimal, runAt: '2027-03-02T12:00:00.001Z' })).toEqual(['runAt']);
      expect(issuesOf({ ...minimal, runAt: '9999-12-31T23:59:59Z' })).toEqual(['runAt']);
    });

    it('should measure the tolerance from the injected now', () => {
      const lenient: JobSpecLimits = { ...limits, runAtPastToleranceMs: 3_600_000 };
      expect(parseJobSpec({ ...minimal, runAt: '2026-03-01T11:30:00Z' }, lenient, now).runAt).toEqual(
        new Date('2026-03-01T11:30:00Z'),
      );
    });
  });

  describe('payload size', () => {
    it('should accept a payload exactly at the limit', () => {
      const payload = payloadOfBytes(1024);
      expect(Buffer.byteLength(JSON.stringify(payload))).toBe(1024);
      expect(parseJobSpec({ ...minimal, payload }, limits, now).payload).toEqual(payload);
    });

    it('should refuse a payload one byte over the limit with PayloadTooLargeError', () => {
      const error = failureOf({ ...minimal, payload: payloadOfBytes(1025) });

      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect(error).toMatchObject({ code: 'payload_too_large', limitBytes: 1024 });
      expect((error as Error).message).toBe('The payload exceeds the limit of 1024 bytes.');
    });

    it('should count UTF-8 bytes, not characters', () => {
      // 508 characters of JSON, but 1008 bytes.
      const payload = { s: 'é'.repeat(500) };
      expect(JSON.stringify(payload)).toHaveLength(508);
      expect(parseJobSpec({ ...minimal, payload }, limits, now).payload).toEqual(payload);
      expect(failureOf({ ...minimal, payload }, { ...limits, maxPayloadBytes: 600 })).toBeInstanceOf(
        PayloadTooLargeError,
      );
    });

    it('should refuse a payload holding a NUL character, naming payload', () => {
      expect(issuesOf({ ...minimal, payload: { text: 'a\u0000b' } })).toEqual(['payload']);
    });
  });

  describe('recurring jobs', () => {
    it('should keep a schedule with the default overlap and catch-up policies', () => {
      expect(parseJobSpec({ ...minimal, schedule: { every: '5m' } }, limits, now).recurrence).toEqual({
        schedule: { every: '5m' },
        overlap: 'skip',
        catchUp: { policy: 'skip', windowMs: 60_000, max: 100 },
      });
    });

    it('should keep the overlap and catch-up policies given', () => {
      const spec = parseJobSpec(
        { ...minimal, schedule: { cron: '0 * * * *' }, overlap: 'allow', catchUp: { policy: 'all' } },
        limits,
        now,
      );
      expect(spec.recurrence).toMatchObject({
        overlap: 'allow',
        catchUp: { policy: 'all', windowMs: 60_000, max: 100 },
      });
    });

    it.each(['skip', 'buffer_one', 'buffer_all', 'cancel_previous', 'allow'])('should take overlap %s', (overlap) => {
      const spec = parseJobSpec({ ...minimal, schedule: { every: '5m' }, overlap }, limits, now);
      expect(spec.recurrence?.overlap).toBe(overlap);
    });
  });

  it.each<[string, unknown, string[]]>([
    ['a string body', 'job', ['(root)']],
    ['a null body', null, ['(root)']],
    ['an array body', [minimal], ['(root)']],
    ['missing name and handler', {}, ['name', 'handler']],
    ['a blank name', { name: ' ', handler: 'noop' }, ['name']],
    ['a numeric name', { name: 42, handler: 'noop' }, ['name']],
    ['a name over 200 characters', { name: 'n'.repeat(201), handler: 'noop' }, ['name']],
    ['a null handler', { name: 'x', handler: null }, ['handler']],
    ['a handler with upper case', { name: 'x', handler: 'Noop' }, ['handler']],
    ['a handler starting with a digit', { name: 'x', handler: '1http' }, ['handler']],
    ['an unknown field', { ...minimal, every: '5m' }, ['every']],
    ['two unknown fields', { ...minimal, every: '5m', cron: '* * * * *' }, ['every', 'cron']],
    ['a runAt that is not a date', { ...minimal, runAt: 'tomorrow' }, ['runAt']],
    ['a runAt without a time zone', { ...minimal, runAt: '2026-03-02T00:00:00' }, ['runAt']],
    ['a numeric runAt', { ...minimal, runAt: 1_772_400_000_000 }, ['runAt']],
    ['a negative delayMs', { ...minimal, delayMs: -1 }, ['delayMs']],
    ['a fractional delayMs', { ...minimal, delayMs: 1.5 }, ['delayMs']],
    ['a delayMs over a year', { ...minimal, delayMs: 367 * 86_400_000 }, ['delayMs']],
    ['a string timeoutMs', { ...minimal, timeoutMs: '1000' }, ['timeoutMs']],
    ['a zero timeoutMs', { ...minimal, timeoutMs: 0 }, ['timeoutMs']],
    ['a timeoutMs over a day', { ...minimal, timeoutMs: 86_400_001 }, ['timeoutMs']],
    ['a negative priority', { ...minimal, priority: -1 }, ['priority']],
    ['a priority over 1000', { ...minimal, priority: 1001 }, ['priority']],
    ['a fractional priority', { ...minimal, priority: 0.5 }, ['priority']],
    ['a boolean priority', { ...minimal, priority: true }, ['priority']],
    ['a queue with capitals', { ...minimal, queue: 'Reports' }, ['queue']],
    ['a queue with a space', { ...minimal, queue: 'my queue' }, ['queue']],
    ['a queue over 63 characters', { ...minimal, queue: 'q'.repeat(64) }, ['queue']],
    ['a retry that is not an object', { ...minimal, retry: 3 }, ['retry']],
    ['an unknown retry field', { ...minimal, retry: { max: 2 } }, ['retry.max']],
    ['zero attempts', { ...minimal, retry: { maxAttempts: 0 } }, ['retry.maxAttempts']],
    ['too many attempts', { ...minimal, retry: { maxAttempts: 101 } }, ['retry.maxAttempts']],
    ['an unknown backoff type', { ...minimal, retry: { backoff: { type: 'linear' } } }, ['retry.backoff.type']],
    ['an upper-case backoff type', { ...minimal, retry: { backoff: { type: 'FIXED' } } }, ['retry.backoff.type']],
    ['a negative backoff delay', { ...minimal, retry: { backoff: { delayMs: -1 } } }, ['retry.backoff.delayMs']],
    ['a jitter above 1', { ...minimal, retry: { backoff: { jitter: 1.5 } } }, ['retry.backoff.jitter']],
    ['a negative jitter', { ...minimal, retry: { backoff: { jitter: -0.1 } } }, ['retry.backoff.jitter']],
    ['an unknown backoff field', { ...minimal, retry: { backoff: { factor: 3 } } }, ['retry.backoff.factor']],
    [
      'a maximum delay below the delay',
      { ...minimal, retry: { backoff: { delayMs: 5000, maxDelayMs: 1000 } } },
      ['retry.backoff.maxDelayMs'],
    ],
    [
      'a backoff over a week',
      { ...minimal, retry: { backoff: { delayMs: 8 * 86_400_000, maxDelayMs: 8 * 86_400_000 } } },
      ['retry.backoff.delayMs', 'retry.backoff.maxDelayMs'],
    ],
    ['a schedule that is not an object', { ...minimal, schedule: '5m' }, ['schedule']],
    ['a schedule with runAt', { ...minimal, schedule: { every: '5m' }, runAt: '2026-03-02T00:00:00Z' }, ['schedule']],
    ['a schedule with delayMs', { ...minimal, schedule: { every: '5m' }, delayMs: 10 }, ['schedule']],
    ['overlap without a schedule', { ...minimal, overlap: 'allow' }, ['overlap']],
    ['catchUp without a schedule', { ...minimal, catchUp: { policy: 'all' } }, ['catchUp']],
    ['an unknown overlap policy', { ...minimal, schedule: { every: '5m' }, overlap: 'queue' }, ['overlap']],
    [
      'an unknown catchUp field',
      { ...minimal, schedule: { every: '5m' }, catchUp: { policy: 'all', limit: 3 } },
      ['catchUp.limit'],
    ],
    [
      'a catchUp cap of 0',
      { ...minimal, schedule: { every: '5m' }, catchUp: { policy: 'all', max: 0 } },
      ['catchUp.max'],
    ],
    [
      'a catchUp cap over 1000',
      { ...minimal, schedule: { every: '5m' }, catchUp: { policy: 'all', max: 1001 } },
      ['catchUp.max'],
    ],
    [
      'an unknown catchUp policy',
      { ...minimal, schedule: { every: '5m' }, catchUp: { policy: 'first' } },
      ['catchUp.policy'],
    ],
  ])('should refuse %s, naming the field', (_case, body, paths) => {
    expect(issuesOf(body)).toEqual(paths);
  });

  it('should refuse with a ValidationError that carries a message and a code for every issue', () => {
    const error = failureOf({ name: '', handler: 'noop', priority: 'high' });

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'validation_failed', retryable: false });
    for (const issue of (error as ValidationError).issues) {
      expect(issue.message).not.toBe('');
      expect(issue.code).not.toBe('');
    }
  });
});

describe('fan-in cap', () => {
  const ids = (count: number) =>
    Array.from({ length: count }, (_, i) => `0193a5b0-0000-7000-8000-${String(i).padStart(12, '0')}`);

  it('should take up to JOB_MAX_DEPENDENCIES (100 unless configured) dependencies and refuse more, naming dependsOn', () => {
    expect(parseJobSpec({ ...minimal, dependsOn: ids(100) }, limits, now).dependsOn).toHaveLength(100);
    expect(issuesOf({ ...minimal, dependsOn: ids(101) })).toEqual(['dependsOn']);
  });

  it('should apply the configured cap', () => {
    const strict: JobSpecLimits = { ...limits, maxDependencies: 2 };
    expect(parseJobSpec({ ...minimal, dependsOn: ids(2) }, strict, now).dependsOn).toHaveLength(2);
    expect(failureOf({ ...minimal, dependsOn: ids(3) }, strict)).toMatchObject({
      issues: [{ path: 'dependsOn', code: 'too_big' }],
    });
  });
});

describe('parseJobUpdate', () => {
  function updateFailureOf(body: unknown): unknown {
    try {
      parseJobUpdate(body, limits);
    } catch (error) {
      return error;
    }
    throw new Error('expected parseJobUpdate to refuse the body');
  }

  it('should keep the fields given and nothing else', () => {
    expect(parseJobUpdate({ name: ' nightly ', overlap: 'allow' }, limits)).toEqual({
      name: 'nightly',
      overlap: 'allow',
    });
  });

  it('should refuse a payload over the size cap with PayloadTooLargeError, as create does', () => {
    expect(parseJobUpdate({ payload: payloadOfBytes(1024) }, limits)).toEqual({ payload: payloadOfBytes(1024) });
    expect(updateFailureOf({ payload: payloadOfBytes(1025) })).toBeInstanceOf(PayloadTooLargeError);
  });

  it.each([
    [
      'a payload nested too deeply',
      { payload: JSON.parse(`${'['.repeat(MAX_PAYLOAD_DEPTH + 1)}${']'.repeat(MAX_PAYLOAD_DEPTH + 1)}`) },
      'payload',
    ],
    ['a payload holding a NUL character', { payload: { text: 'a\u0000b' } }, 'payload'],
    ['a name holding a lone surrogate', { name: 'a\ud800b' }, 'name'],
    ['an empty name', { name: ' ' }, 'name'],
    ['a schedule holding a NUL character', { schedule: { cron: '* * * * *\u0000' } }, 'schedule'],
    ['an unknown field', { cron: '* * * * *' }, 'cron'],
  ])('should refuse %s as create does, naming the field', (_case, body, path) => {
    const error = updateFailureOf(body);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
    expect(issuesOf({ ...minimal, ...body }).length).toBeGreaterThan(0);
  });
});

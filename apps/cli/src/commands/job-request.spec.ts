import { describe, expect, it } from '@jest/globals';

import { ExitCode } from '../exit-codes.js';
import { jobRequestOf } from './job-request.js';

describe(jobRequestOf.name, () => {
  it('should make the body from the flags, under the names the API takes', () => {
    expect(
      jobRequestOf({
        name: 'resize',
        handler: 'sleep',
        payload: { ms: 10 },
        queue: 'media',
        priority: 5,
        delay: 60_000,
        maxAttempts: 5,
        backoff: 200,
        backoffType: 'fixed',
        attemptTimeout: 30_000,
      }),
    ).toEqual({
      name: 'resize',
      handler: 'sleep',
      payload: { ms: 10 },
      queue: 'media',
      priority: 5,
      delayMs: 60_000,
      retry: { maxAttempts: 5, backoff: { delayMs: 200, type: 'fixed' } },
      timeoutMs: 30_000,
    });
  });

  it('should make a recurring job from --cron with its --timezone, or from --every', () => {
    expect(jobRequestOf({ name: 'r', handler: 'noop', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toMatchObject({
      schedule: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    });
    expect(jobRequestOf({ name: 'r', handler: 'noop', every: '15m' })).toMatchObject({ schedule: { every: '15m' } });
  });

  it("should set flags over the file's body, keeping the file's other fields", () => {
    const file = {
      name: 'from-file',
      handler: 'http',
      payload: { url: 'https://example.com' },
      retry: { maxAttempts: 2, backoff: { type: 'exponential', delayMs: 1000 } },
      schedule: { cron: '0 * * * *' },
    };

    expect(jobRequestOf({ name: 'from-flag', maxAttempts: 4, timezone: 'Asia/Tokyo' }, file)).toEqual({
      name: 'from-flag',
      handler: 'http',
      payload: { url: 'https://example.com' },
      retry: { maxAttempts: 4, backoff: { type: 'exponential', delayMs: 1000 } },
      schedule: { cron: '0 * * * *', timezone: 'Asia/Tokyo' },
    });
  });

  it('should leave out what no flag gives, for the API to default', () => {
    expect(jobRequestOf({ name: 'bare', handler: 'noop' })).toEqual({ name: 'bare', handler: 'noop' });
  });

  it('should be a usage error when the file is not an object, or --timezone has no cron to go with', () => {
    expect(() => jobRequestOf({}, [1, 2])).toThrow(expect.objectContaining({ exitCode: ExitCode.Usage }));
    expect(() => jobRequestOf({ every: '1h', timezone: 'UTC' })).toThrow(
      expect.objectContaining({ exitCode: ExitCode.Usage }),
    );
    expect(() => jobRequestOf({ timezone: 'UTC' })).toThrow(expect.objectContaining({ exitCode: ExitCode.Usage }));
  });
});

import { describe, expect, it } from '@jest/globals';

import { describeSchedule } from './jobs.view.js';

describe(describeSchedule.name, () => {
  it('should name a cron schedule with its zone, UTC when it has none', () => {
    expect(describeSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toBe('cron 0 9 * * 1-5 Europe/Berlin');
    expect(describeSchedule({ cron: '*/5 * * * *' })).toBe('cron */5 * * * * UTC');
  });

  it('should name an interval as it was given, or in the largest units', () => {
    expect(describeSchedule({ every: '1h30m' })).toBe('every 1h30m');
    expect(describeSchedule({ everyMs: 90_000 })).toBe('every 1m30s');
  });
});

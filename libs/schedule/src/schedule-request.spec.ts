import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@meridian/domain';

import { parseSchedule } from './schedule-request.js';

describe('parseSchedule', () => {
  it.each([
    ['nothing to schedule by', {}, 'schedule.cron'],
    ['two kinds at once', { cron: '* * * * *', every: '5m' }, 'schedule.cron'],
    ['a cron with 4 fields', { cron: '* * * *' }, 'schedule.cron'],
    ['a cron with 7 fields', { cron: '0 0 0 1 1 * 2030' }, 'schedule.cron'],
    ['an impossible minute', { cron: '61 * * * *' }, 'schedule.cron'],
    ['garbage', { cron: 'every day at noon' }, 'schedule.cron'],
    ['an unknown time zone', { cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'schedule.timezone'],
    ['a time zone without cron', { every: '5m', timezone: 'UTC' }, 'schedule.timezone'],
    ['an unreadable interval', { every: 'often' }, 'schedule.every'],
    ['an interval under a second', { every: '500ms' }, 'schedule.every'],
    ['an interval over a year and a day', { every: '367d' }, 'schedule.every'],
    ['an interval far beyond any date', { every: '99999999999d' }, 'schedule.every'],
    ['everyMs under a second', { everyMs: 10 }, 'schedule.everyMs'],
    [
      'endAt before startAt',
      { every: '1h', startAt: '2026-05-02T00:00:00Z', endAt: '2026-05-01T00:00:00Z' },
      'schedule.endAt',
    ],
    ['a zero limit', { every: '1h', limit: 0 }, 'schedule.limit'],
    ['an unknown DST policy', { cron: '0 2 * * *', dst: { nonexistent: 'later' } }, 'schedule.dst.nonexistent'],
    ['an unknown field', { every: '1h', catchUp: 'all' }, 'schedule.catchUp'],
  ])('should refuse %s', (_case, body, path) => {
    try {
      parseSchedule(body);
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toContain(path);
    }
  });

  it('should default to UTC, no jitter and the documented DST policy', () => {
    expect(parseSchedule({ cron: '0 9 * * *' })).toMatchObject({
      jitterMs: 0,
      schedule: { kind: 'cron', timeZone: 'UTC', dst: { ambiguous: 'first', nonexistent: 'shift' }, limit: null },
    });
    expect(parseSchedule({ every: '1h30m' }).schedule).toMatchObject({ kind: 'every', everyMs: 5_400_000 });
  });
});

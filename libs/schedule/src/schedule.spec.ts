import { describe, expect, it } from '@jest/globals';

import { nextOccurrences, occurrencesUntil, type Schedule } from './schedule.js';
import { parseSchedule } from './schedule-request.js';

const schedule = (body: Record<string, unknown>): Schedule => parseSchedule(body).schedule;
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const after = (instant: string) => new Date(instant);

/** Occurrences shown as local wall time with offset, the way a user reads them. */
function local(dates: Date[], timeZone: string): string[] {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  });
  return dates.map((date) => format.format(date).replace(' GMT', ' ').replace('\u2212', '-'));
}

describe('nextOccurrences', () => {
  describe('cron in a time zone', () => {
    it('should fire at 09:00 Berlin time on weekdays, in winter and summer offsets', () => {
      const sut = schedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' });

      expect(local(nextOccurrences(sut, after('2026-03-26T12:00:00Z'), 4), 'Europe/Berlin')).toEqual([
        '2026-03-27 09:00:00 +01:00',
        '2026-03-30 09:00:00 +02:00',
        '2026-03-31 09:00:00 +02:00',
        '2026-04-01 09:00:00 +02:00',
      ]);
    });

    it('should shift a New York time skipped by spring-forward to the end of the gap (02:30 -> 03:00)', () => {
      const sut = schedule({ cron: '30 2 * * *', timezone: 'America/New_York' });

      expect(local(nextOccurrences(sut, after('2026-03-07T12:00:00Z'), 3), 'America/New_York')).toEqual([
        '2026-03-08 03:00:00 -04:00',
        '2026-03-09 02:30:00 -04:00',
        '2026-03-10 02:30:00 -04:00',
      ]);
    });

    it('should skip a nonexistent time when the policy says so', () => {
      const sut = schedule({ cron: '30 2 * * *', timezone: 'America/New_York', dst: { nonexistent: 'skip' } });

      expect(local(nextOccurrences(sut, after('2026-03-07T12:00:00Z'), 2), 'America/New_York')).toEqual([
        '2026-03-09 02:30:00 -04:00',
        '2026-03-10 02:30:00 -04:00',
      ]);
    });

    it('should fire a New York time repeated by fall-back once, at its first instance', () => {
      const sut = schedule({ cron: '30 1 * * *', timezone: 'America/New_York' });

      expect(local(nextOccurrences(sut, after('2026-10-31T12:00:00Z'), 2), 'America/New_York')).toEqual([
        '2026-11-01 01:30:00 -04:00',
        '2026-11-02 01:30:00 -05:00',
      ]);
    });

    it('should fire a repeated time twice when the policy says both', () => {
      const sut = schedule({ cron: '30 1 * * *', timezone: 'America/New_York', dst: { ambiguous: 'both' } });

      expect(local(nextOccurrences(sut, after('2026-10-31T12:00:00Z'), 3), 'America/New_York')).toEqual([
        '2026-11-01 01:30:00 -04:00',
        '2026-11-01 01:30:00 -05:00',
        '2026-11-02 01:30:00 -05:00',
      ]);
    });

    it('should not fire the repeated instance when asked from inside the repeated hour', () => {
      const sut = schedule({ cron: '30 1 * * *', timezone: 'America/New_York' });

      // 01:45 EDT, after the first 01:30: the second 01:30 (EST) must not fire under 'first'.
      expect(iso(nextOccurrences(sut, after('2026-11-01T05:45:00Z'), 1))).toEqual(['2026-11-02T06:30:00.000Z']);
    });

    it('should handle Berlin spring-forward (02:30 -> 03:00) and fall-back (02:30 once)', () => {
      const spring = schedule({ cron: '30 2 * * *', timezone: 'Europe/Berlin' });
      const fall = schedule({ cron: '30 2 * * *', timezone: 'Europe/Berlin' });

      expect(local(nextOccurrences(spring, after('2026-03-28T12:00:00Z'), 2), 'Europe/Berlin')).toEqual([
        '2026-03-29 03:00:00 +02:00',
        '2026-03-30 02:30:00 +02:00',
      ]);
      expect(local(nextOccurrences(fall, after('2026-10-24T12:00:00Z'), 2), 'Europe/Berlin')).toEqual([
        '2026-10-25 02:30:00 +02:00',
        '2026-10-26 02:30:00 +01:00',
      ]);
    });

    it('should follow elapsed time for a wildcard-hour cron: both repeated hours run, the skipped hour does not', () => {
      const sut = schedule({ cron: '0 * * * *', timezone: 'America/New_York' });

      expect(iso(nextOccurrences(sut, after('2026-11-01T04:30:00Z'), 4))).toEqual([
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T06:00:00.000Z', // 01:00 EST
        '2026-11-01T07:00:00.000Z', // 02:00 EST
        '2026-11-01T08:00:00.000Z',
      ]);
      expect(iso(nextOccurrences(sut, after('2026-03-08T05:30:00Z'), 3))).toEqual([
        '2026-03-08T06:00:00.000Z', // 01:00 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT: 02:00 does not exist
        '2026-03-08T08:00:00.000Z',
      ]);
    });

    it('should skip months without the day and find leap days', () => {
      const monthEnd = schedule({ cron: '0 0 31 * *' });
      const leapDay = schedule({ cron: '0 12 29 2 *' });

      expect(iso(nextOccurrences(monthEnd, after('2026-01-31T00:00:00Z'), 3))).toEqual([
        '2026-03-31T00:00:00.000Z',
        '2026-05-31T00:00:00.000Z',
        '2026-07-31T00:00:00.000Z',
      ]);
      expect(iso(nextOccurrences(leapDay, after('2026-01-01T00:00:00Z'), 2))).toEqual([
        '2028-02-29T12:00:00.000Z',
        '2032-02-29T12:00:00.000Z',
      ]);
    });

    it('should support 6-field expressions with seconds', () => {
      const sut = schedule({ cron: '*/15 * * * * *' });

      expect(iso(nextOccurrences(sut, after('2026-05-01T10:00:07Z'), 4))).toEqual([
        '2026-05-01T10:00:15.000Z',
        '2026-05-01T10:00:30.000Z',
        '2026-05-01T10:00:45.000Z',
        '2026-05-01T10:01:00.000Z',
      ]);
    });

    it('should be strictly after the given instant', () => {
      const sut = schedule({ cron: '0 9 * * *' });
      expect(iso(nextOccurrences(sut, after('2026-05-01T09:00:00Z'), 1))).toEqual(['2026-05-02T09:00:00.000Z']);
    });
  });

  describe('fixed intervals', () => {
    it('should align "every" on the epoch by default', () => {
      const sut = schedule({ every: '15m' });

      expect(iso(nextOccurrences(sut, after('2026-05-01T10:07:12Z'), 3))).toEqual([
        '2026-05-01T10:15:00.000Z',
        '2026-05-01T10:30:00.000Z',
        '2026-05-01T10:45:00.000Z',
      ]);
    });

    it('should align on startAt when there is one, and not fire before it', () => {
      const sut = schedule({ everyMs: 90_000, startAt: '2026-05-01T10:00:10Z' });

      expect(iso(nextOccurrences(sut, after('2026-05-01T09:00:00Z'), 3))).toEqual([
        '2026-05-01T10:00:10.000Z',
        '2026-05-01T10:01:40.000Z',
        '2026-05-01T10:03:10.000Z',
      ]);
    });

    it('should ignore DST: an interval is elapsed time', () => {
      const sut = schedule({ every: '1h' });
      expect(iso(nextOccurrences(sut, after('2026-03-08T06:30:00Z'), 2))).toEqual([
        '2026-03-08T07:00:00.000Z',
        '2026-03-08T08:00:00.000Z',
      ]);
    });
  });

  describe('bounds', () => {
    it('should stop at endAt, inclusive', () => {
      const sut = schedule({ every: '1h', endAt: '2026-05-01T12:00:00Z' });
      expect(iso(nextOccurrences(sut, after('2026-05-01T10:30:00Z'), 5))).toEqual([
        '2026-05-01T11:00:00.000Z',
        '2026-05-01T12:00:00.000Z',
      ]);
    });

    it('should stop after limit occurrences in all', () => {
      const sut = schedule({ cron: '0 * * * *', limit: 3 });
      expect(nextOccurrences(sut, after('2026-05-01T10:30:00Z'), 10)).toHaveLength(3);
      expect(nextOccurrences(sut, after('2026-05-01T10:30:00Z'), 10, 2)).toHaveLength(1);
      expect(nextOccurrences(sut, after('2026-05-01T10:30:00Z'), 10, 3)).toEqual([]);
    });
  });
});

describe('nextOccurrences for every-second crons', () => {
  it('should find the next second at once, in UTC and in a zone on its DST night', () => {
    const utc = schedule({ cron: '* * * * * *' });
    const newYork = schedule({ cron: '* * * * * *', timezone: 'America/New_York' });

    expect(iso(nextOccurrences(utc, after('2026-05-01T10:00:00.500Z'), 2))).toEqual([
      '2026-05-01T10:00:01.000Z',
      '2026-05-01T10:00:02.000Z',
    ]);
    // 01:30 EDT on the fall-back night: the next second, not one an hour later.
    expect(iso(nextOccurrences(newYork, after('2026-11-01T05:30:00Z'), 1))).toEqual(['2026-11-01T05:30:01.000Z']);
  });
});

describe('occurrencesUntil', () => {
  it('should give the occurrences up to a bound, inclusive, the same as the full list cut at it', () => {
    const sut = schedule({ cron: '*/5 * * * *', timezone: 'Europe/Berlin' });
    const from = after('2026-10-25T00:00:00Z');
    const until = after('2026-10-25T02:30:00Z');

    const all = nextOccurrences(sut, from, 100).filter((instant) => instant <= until);

    expect(iso(occurrencesUntil(sut, from, until, 1000))).toEqual(iso(all));
    expect(all).toHaveLength(30);
  });

  it('should keep the repeated hour of a fall-back night in order when chunks meet inside it', () => {
    const sut = schedule({ cron: '*/10 * * * *', timezone: 'America/New_York', dst: { ambiguous: 'both' } });
    const from = after('2026-11-01T04:00:00Z');
    const until = after('2026-11-01T08:00:00Z');

    expect(iso(occurrencesUntil(sut, from, until, 1000))).toEqual(
      iso(nextOccurrences(sut, from, 100).filter((instant) => instant <= until)),
    );
  });

  it('should stop at max, and at the limit counting what already fired', () => {
    const sut = schedule({ every: '1s', limit: 10 });
    const from = after('2026-05-01T10:00:00Z');
    const until = after('2026-05-01T11:00:00Z');

    expect(occurrencesUntil(sut, from, until, 7)).toHaveLength(7);
    expect(occurrencesUntil(sut, from, until, 1000, 4)).toHaveLength(6);
  });

  it('should give nothing when the next occurrence is after the bound', () => {
    const sut = schedule({ every: '1m' });

    expect(occurrencesUntil(sut, after('2026-05-01T10:00:00Z'), after('2026-05-01T10:00:59Z'), 1000)).toEqual([]);
  });
});

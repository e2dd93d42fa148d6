import { describe, expect, it } from '@jest/globals';

import { formatDurationMs, formatInstant, formatInstantFromNow, formatRelative } from './time-format.js';

const now = new Date('2026-03-02T09:30:00.000Z');

describe(formatInstant.name, () => {
  it('should write an instant in ISO 8601 UTC to the second, and - for none', () => {
    expect(formatInstant('2026-03-02T09:30:00.123Z')).toBe('2026-03-02T09:30:00Z');
    expect(formatInstant('2026-03-02T10:30:00+01:00')).toBe('2026-03-02T09:30:00Z');
    expect(formatInstant(null)).toBe('-');
    expect(formatInstant(undefined)).toBe('-');
  });
});

describe(formatRelative.name, () => {
  it.each([
    ['2026-03-02T09:29:57.000Z', '3s ago'],
    ['2026-03-02T09:27:00.000Z', '3m ago'],
    ['2026-03-02T07:25:00.000Z', '2h5m ago'],
    ['2026-03-02T08:30:00.000Z', '1h ago'],
    ['2026-03-05T10:30:00.000Z', 'in 3d1h'],
    ['2026-03-02T09:40:00.000Z', 'in 10m'],
    ['2026-03-02T09:30:00.400Z', 'now'],
  ])('should write %p as %p', (iso, text) => {
    expect(formatRelative(iso, now)).toBe(text);
  });
});

describe(formatInstantFromNow.name, () => {
  it('should write the instant with how long ago it was', () => {
    expect(formatInstantFromNow('2026-03-02T09:27:00.000Z', now)).toBe('2026-03-02T09:27:00Z (3m ago)');
    expect(formatInstantFromNow(null, now)).toBe('-');
  });
});

describe(formatDurationMs.name, () => {
  it.each([
    [0, '0ms'],
    [230, '230ms'],
    [1500, '1.5s'],
    [59_949, '59.9s'],
    [125_000, '2m5s'],
    [3_720_000, '1h2m'],
    [273_600_000, '3d4h'],
    [null, '-'],
  ])('should write %p ms as %p', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});

import { describe, expect, it } from '@jest/globals';

import { type OccurrencePlanInput, planOccurrences } from './occurrence-plan.js';
import { parseSchedule } from './schedule-spec.js';

const t = (iso: string) => new Date(iso);

function plan(overrides: Partial<OccurrencePlanInput> & { now: Date }) {
  const result = planOccurrences({
    schedule: parseSchedule({ every: '1m' }).schedule,
    due: t('2026-05-01T10:00:00Z'),
    occurrenceCount: 0,
    catchUp: { policy: 'skip', windowMs: 30_000 },
    overlap: 'allow',
    previousRunLive: false,
    paused: false,
    ...overrides,
  });
  return {
    outcomes: result.occurrences.map((o) => `${o.nominalTime.toISOString().slice(11, 16)} ${o.outcome}`),
    next: result.nextRunAt?.toISOString() ?? null,
  };
}

describe('planOccurrences', () => {
  it('should run an occurrence handled on time and schedule the next one', () => {
    expect(plan({ now: t('2026-05-01T10:00:00.020Z') })).toEqual({
      outcomes: ['10:00 ENQUEUED'],
      next: '2026-05-01T10:01:00.000Z',
    });
  });

  it('should do nothing for a tick that came early', () => {
    expect(plan({ now: t('2026-05-01T09:59:59Z') })).toEqual({ outcomes: [], next: '2026-05-01T10:00:00.000Z' });
  });

  it('should record occurrences missed during downtime and run the one on time (catch-up skip)', () => {
    expect(plan({ now: t('2026-05-01T10:03:10Z') })).toEqual({
      outcomes: ['10:00 MISSED_DOWNTIME', '10:01 MISSED_DOWNTIME', '10:02 MISSED_DOWNTIME', '10:03 ENQUEUED'],
      next: '2026-05-01T10:04:00.000Z',
    });
  });

  it('should run only the latest missed occurrence (catch-up latest)', () => {
    expect(plan({ now: t('2026-05-01T10:02:45Z'), catchUp: { policy: 'latest', windowMs: 30_000 } })).toEqual({
      outcomes: ['10:00 MISSED_DOWNTIME', '10:01 MISSED_DOWNTIME', '10:02 ENQUEUED'],
      next: '2026-05-01T10:03:00.000Z',
    });
  });

  it('should run every missed occurrence (catch-up all)', () => {
    expect(plan({ now: t('2026-05-01T10:02:45Z'), catchUp: { policy: 'all', windowMs: 30_000 } }).outcomes).toEqual([
      '10:00 ENQUEUED',
      '10:01 ENQUEUED',
      '10:02 ENQUEUED',
    ]);
  });

  it('should skip an occurrence while the previous run is still going (overlap skip)', () => {
    expect(plan({ now: t('2026-05-01T10:00:01Z'), overlap: 'skip', previousRunLive: true }).outcomes).toEqual([
      '10:00 SKIPPED_OVERLAP',
    ]);
    expect(
      plan({ now: t('2026-05-01T10:02:45Z'), overlap: 'skip', catchUp: { policy: 'all', windowMs: 0 } }).outcomes,
    ).toEqual(['10:00 ENQUEUED', '10:01 SKIPPED_OVERLAP', '10:02 SKIPPED_OVERLAP']);
  });

  it('should record due occurrences as paused, run none, and move on', () => {
    expect(plan({ now: t('2026-05-01T10:01:00.010Z'), paused: true })).toEqual({
      outcomes: ['10:00 PAUSED', '10:01 PAUSED'],
      next: '2026-05-01T10:02:00.000Z',
    });
  });

  it('should stop at the limit', () => {
    const schedule = parseSchedule({ every: '1m', limit: 2 }).schedule;
    expect(plan({ schedule, now: t('2026-05-01T10:00:01Z'), occurrenceCount: 1 })).toEqual({
      outcomes: ['10:00 ENQUEUED'],
      next: null,
    });
  });
});

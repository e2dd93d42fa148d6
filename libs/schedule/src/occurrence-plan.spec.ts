import { describe, expect, it } from '@jest/globals';

import { type OccurrencePlanInput, planOccurrences } from './occurrence-plan.js';
import { parseSchedule } from './schedule-request.js';

const t = (iso: string) => new Date(iso);

const allMissed = { policy: 'all' as const, windowMs: 0, max: 100 };

function base(): Omit<OccurrencePlanInput, 'now'> {
  return {
    schedule: parseSchedule({ every: '1m' }).schedule,
    due: t('2026-05-01T10:00:00Z'),
    occurrenceCount: 0,
    catchUp: { policy: 'skip', windowMs: 30_000, max: 100 },
    overlap: 'allow',
    inFlight: { live: 0, buffered: 0 },
    paused: false,
  };
}

function plan(overrides: Partial<OccurrencePlanInput> & { now: Date }) {
  const result = planOccurrences({ ...base(), ...overrides });
  return {
    outcomes: result.occurrences.map((o) => `${o.nominalTime.toISOString().slice(11, 16)} ${o.outcome}`),
    next: result.nextRunAt?.toISOString() ?? null,
    cancelInFlight: result.cancelInFlight,
  };
}

describe('planOccurrences', () => {
  it('should run an occurrence handled on time and schedule the next one', () => {
    expect(plan({ now: t('2026-05-01T10:00:00.020Z') })).toEqual({
      outcomes: ['10:00 ENQUEUED'],
      next: '2026-05-01T10:01:00.000Z',
      cancelInFlight: false,
    });
  });

  it('should do nothing for a tick that came early', () => {
    expect(plan({ now: t('2026-05-01T09:59:59Z') })).toEqual({
      outcomes: [],
      next: '2026-05-01T10:00:00.000Z',
      cancelInFlight: false,
    });
  });

  it('should record occurrences missed during downtime and run the one on time (catch-up skip)', () => {
    expect(plan({ now: t('2026-05-01T10:03:10Z') })).toMatchObject({
      outcomes: ['10:00 MISSED_DOWNTIME', '10:01 MISSED_DOWNTIME', '10:02 MISSED_DOWNTIME', '10:03 ENQUEUED'],
      next: '2026-05-01T10:04:00.000Z',
    });
  });

  it('should run only the latest missed occurrence (catch-up latest)', () => {
    expect(
      plan({ now: t('2026-05-01T10:02:45Z'), catchUp: { policy: 'latest', windowMs: 30_000, max: 100 } }),
    ).toMatchObject({
      outcomes: ['10:00 MISSED_DOWNTIME', '10:01 MISSED_DOWNTIME', '10:02 ENQUEUED'],
      next: '2026-05-01T10:03:00.000Z',
    });
  });

  it('should run no missed occurrence under catch-up latest when one on time follows', () => {
    expect(
      plan({ now: t('2026-05-01T10:02:10Z'), catchUp: { policy: 'latest', windowMs: 30_000, max: 100 } }).outcomes,
    ).toEqual(['10:00 MISSED_DOWNTIME', '10:01 MISSED_DOWNTIME', '10:02 ENQUEUED']);
  });

  /** A 1-second schedule handled 25 minutes late: 1501 occurrences, worked off by two ticks. */
  function backlogOfTwoTicks(catchUp: OccurrencePlanInput['catchUp']) {
    const input = {
      ...base(),
      schedule: parseSchedule({ every: '1s' }).schedule,
      catchUp,
      now: t('2026-05-01T10:25:00.500Z'),
    };
    const first = planOccurrences(input);
    const second = planOccurrences({ ...input, due: first.nextRunAt as Date, occurrenceCount: 1000 });
    return [first, second] as const;
  }

  it('should apply catch-up latest to the whole backlog, not to each tick of it', () => {
    const [first, second] = backlogOfTwoTicks({ policy: 'latest', windowMs: 0, max: 100 });

    expect(first.occurrences).toHaveLength(1000);
    expect(first.occurrences.every((o) => o.outcome === 'MISSED_DOWNTIME')).toBe(true);
    expect(second.occurrences).toHaveLength(501);
    expect(second.occurrences.filter((o) => o.outcome === 'ENQUEUED').map((o) => o.nominalTime)).toEqual([
      t('2026-05-01T10:25:00Z'),
    ]);
  });

  it('should run at most the max most recent missed occurrences (catch-up all), across ticks', () => {
    const [first, second] = backlogOfTwoTicks({ policy: 'all', windowMs: 0, max: 600 });

    const ran = [...first.occurrences, ...second.occurrences].filter((o) => o.outcome === 'ENQUEUED');
    expect(ran).toHaveLength(600);
    expect(ran[0]?.nominalTime).toEqual(t('2026-05-01T10:15:01Z'));
    expect(ran.at(-1)?.nominalTime).toEqual(t('2026-05-01T10:25:00Z'));
  });

  it('should run every missed occurrence (catch-up all)', () => {
    expect(
      plan({ now: t('2026-05-01T10:02:45Z'), catchUp: { policy: 'all', windowMs: 30_000, max: 100 } }).outcomes,
    ).toEqual(['10:00 ENQUEUED', '10:01 ENQUEUED', '10:02 ENQUEUED']);
    expect(
      plan({ now: t('2026-05-01T10:02:45Z'), catchUp: { policy: 'all', windowMs: 30_000, max: 2 } }).outcomes,
    ).toEqual(['10:00 MISSED_DOWNTIME', '10:01 ENQUEUED', '10:02 ENQUEUED']);
  });

  it('should skip an occurrence while the previous run is still going (overlap skip)', () => {
    expect(
      plan({ now: t('2026-05-01T10:00:01Z'), overlap: 'skip', inFlight: { live: 1, buffered: 0 } }).outcomes,
    ).toEqual(['10:00 SKIPPED_OVERLAP']);
    expect(plan({ now: t('2026-05-01T10:02:45Z'), overlap: 'skip', catchUp: allMissed }).outcomes).toEqual([
      '10:00 ENQUEUED',
      '10:01 SKIPPED_OVERLAP',
      '10:02 SKIPPED_OVERLAP',
    ]);
  });

  it('should keep one occurrence waiting for the previous run and skip the rest (overlap buffer_one)', () => {
    expect(
      plan({
        now: t('2026-05-01T10:02:45Z'),
        overlap: 'buffer_one',
        catchUp: allMissed,
        inFlight: { live: 1, buffered: 0 },
      }).outcomes,
    ).toEqual(['10:00 BUFFERED', '10:01 SKIPPED_OVERLAP', '10:02 SKIPPED_OVERLAP']);
    expect(
      plan({ now: t('2026-05-01T10:00:01Z'), overlap: 'buffer_one', inFlight: { live: 2, buffered: 1 } }).outcomes,
    ).toEqual(['10:00 SKIPPED_OVERLAP']);
  });

  it('should keep every occurrence waiting, in order, up to the buffer cap (overlap buffer_all)', () => {
    expect(plan({ now: t('2026-05-01T10:02:45Z'), overlap: 'buffer_all', catchUp: allMissed }).outcomes).toEqual([
      '10:00 ENQUEUED',
      '10:01 BUFFERED',
      '10:02 BUFFERED',
    ]);
    expect(
      plan({ now: t('2026-05-01T10:00:01Z'), overlap: 'buffer_all', inFlight: { live: 101, buffered: 100 } }).outcomes,
    ).toEqual(['10:00 SKIPPED_OVERLAP']);
  });

  it('should cancel the run in flight and start the new one (overlap cancel_previous)', () => {
    expect(
      plan({ now: t('2026-05-01T10:00:01Z'), overlap: 'cancel_previous', inFlight: { live: 1, buffered: 0 } }),
    ).toMatchObject({ outcomes: ['10:00 ENQUEUED'], cancelInFlight: true });
    expect(plan({ now: t('2026-05-01T10:00:01Z'), overlap: 'cancel_previous' })).toMatchObject({
      outcomes: ['10:00 ENQUEUED'],
      cancelInFlight: false,
    });
    // Within one tick only the last occurrence starts; the earlier ones never get a run to cancel.
    expect(plan({ now: t('2026-05-01T10:02:45Z'), overlap: 'cancel_previous', catchUp: allMissed })).toMatchObject({
      outcomes: ['10:00 SKIPPED_OVERLAP', '10:01 SKIPPED_OVERLAP', '10:02 ENQUEUED'],
      cancelInFlight: false,
    });
  });

  it('should record due occurrences as paused, run none, and move on', () => {
    expect(plan({ now: t('2026-05-01T10:01:00.010Z'), paused: true })).toMatchObject({
      outcomes: ['10:00 PAUSED', '10:01 PAUSED'],
      next: '2026-05-01T10:02:00.000Z',
    });
  });

  it('should stop at the limit', () => {
    const schedule = parseSchedule({ every: '1m', limit: 2 }).schedule;
    expect(plan({ schedule, now: t('2026-05-01T10:00:01Z'), occurrenceCount: 1 })).toMatchObject({
      outcomes: ['10:00 ENQUEUED'],
      next: null,
    });
  });
});

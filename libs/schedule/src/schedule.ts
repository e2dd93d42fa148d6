import type { CronExpression } from './cron-expression.js';
import { dstShiftAround, instantsAt, maxOffsetAround, wallTime } from './time-zone.js';

/** What a fixed-time cron does with a local time that happens twice (the hour after a fall-back). */
export type AmbiguousTimePolicy = 'first' | 'both';
/** What a fixed-time cron does with a local time that does not exist (skipped by a spring-forward). */
export type NonexistentTimePolicy = 'shift' | 'skip';

export interface DstPolicy {
  /** @defaultValue 'first' — fire once, at the first instance */
  ambiguous: AmbiguousTimePolicy;
  /** @defaultValue 'shift' — fire at the first instant after the gap (02:30 → 03:00) */
  nonexistent: NonexistentTimePolicy;
}

export const DEFAULT_DST_POLICY: DstPolicy = { ambiguous: 'first', nonexistent: 'shift' };

interface Bounds {
  /** First instant an occurrence may have (inclusive). */
  startAt: Date | null;
  /** Last instant an occurrence may have (inclusive). */
  endAt: Date | null;
  /** Occurrences in all, over the schedule's life. */
  limit: number | null;
}

export type Schedule =
  | ({ kind: 'cron'; cron: CronExpression; timeZone: string; dst: DstPolicy } & Bounds)
  | ({ kind: 'every'; everyMs: number } & Bounds);

/**
 * The next `count` nominal occurrences strictly after `after`, in order, honouring the bounds.
 * `alreadyFired` counts occurrences before `after`, for the limit.
 */
export function nextOccurrences(schedule: Schedule, after: Date, count: number, alreadyFired = 0): Date[] {
  const remaining = schedule.limit === null ? count : Math.min(count, schedule.limit - alreadyFired);
  if (remaining <= 0) {
    return [];
  }
  const from = Math.max(after.getTime(), (schedule.startAt?.getTime() ?? -Infinity) - 1);
  const instants =
    schedule.kind === 'every' ? everyAfter(schedule, from, remaining) : cronAfter(schedule, from, remaining);
  const end = schedule.endAt?.getTime() ?? Infinity;
  return instants.filter((instant) => instant <= end).map((instant) => new Date(instant));
}

/**
 * The occurrences strictly after `after` and no later than `until`, in order, at most `max` of
 * them; `alreadyFired` as for {@link nextOccurrences}. Steps forward lazily, in chunks that double
 * from one, so the usual case (one occurrence due) computes two instants, not `max`.
 */
export function occurrencesUntil(schedule: Schedule, after: Date, until: Date, max: number, alreadyFired = 0): Date[] {
  const found: Date[] = [];
  let from = after;
  let fired = alreadyFired;
  for (let chunk = 1; found.length < max; chunk *= 2) {
    const instants = nextOccurrences(schedule, from, Math.min(chunk, max - found.length), fired);
    const due = instants.filter((instant) => instant.getTime() <= until.getTime());
    found.push(...due);
    const last = instants.at(-1);
    if (last === undefined || due.length < instants.length) {
      break;
    }
    from = last;
    fired += instants.length;
  }
  return found;
}

/** Fixed intervals, aligned on startAt (or on the epoch, so 15m fires at :00, :15, :30, :45 UTC). */
function everyAfter(schedule: Extract<Schedule, { kind: 'every' }>, from: number, count: number): number[] {
  const anchor = schedule.startAt?.getTime() ?? 0;
  const first = anchor + (Math.floor((from - anchor) / schedule.everyMs) + 1) * schedule.everyMs;
  return Array.from({ length: count }, (_, i) => first + i * schedule.everyMs);
}

/**
 * Cron matches on the zone's wall clock, mapped to instants with the DST policy. Within a fall-back
 * overlap a wall time before `from` can still map to an instant after it, so enumeration starts
 * earlier by the size of any DST shift around `from`, and stops once no later wall time can land
 * before what has been collected.
 */
function cronAfter(schedule: Extract<Schedule, { kind: 'cron' }>, from: number, count: number): number[] {
  const { cron, timeZone, dst } = schedule;
  const found = new Set<number>();
  let wall = wallTime(timeZone, from) - dstShiftAround(timeZone, from) - 1;
  for (let guard = 0; guard < count + 100_000; guard += 1) {
    const next = cron.nextWallTime(wall);
    if (next === null) {
      break;
    }
    wall = next;
    for (const instant of instantsFor(timeZone, wall, dst, cron.wildcardTime)) {
      if (instant > from) {
        found.add(instant);
      }
    }
    if (found.size >= count) {
      const sorted = [...found].sort((a, b) => a - b);
      const last = sorted[count - 1] ?? Infinity;
      if (wall - maxOffsetAround(timeZone, wall) > last) {
        return sorted.slice(0, count);
      }
    }
  }
  return [...found].sort((a, b) => a - b).slice(0, count);
}

function instantsFor(timeZone: string, wall: number, dst: DstPolicy, wildcardTime: boolean): number[] {
  const at = instantsAt(timeZone, wall);
  switch (at.kind) {
    case 'exact':
      return [at.instant];
    case 'ambiguous':
      // Elapsed-time jobs run in both hours; fixed-time jobs follow the policy.
      return wildcardTime || dst.ambiguous === 'both' ? [at.first, at.second] : [at.first];
    case 'gap':
      return wildcardTime || dst.nonexistent === 'skip' ? [] : [at.next];
  }
}

/**
 * Wall-clock arithmetic in IANA time zones, on top of Intl (the runtime's tz database). A wall time
 * is represented as the epoch milliseconds it would have in UTC ("naive" local time), so calendar
 * fields can be matched without a zone and mapped back to instants here.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows `timeZone` as an IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time (naive epoch ms) that `instant` shows on a clock in `timeZone`. */
export function wallTime(timeZone: string, instant: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') {
      fields[part.type] = Number(part.value);
    }
  }
  const millis = ((instant % 1000) + 1000) % 1000;
  return (
    Date.UTC(fields.year ?? 0, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour, fields.minute, fields.second) +
    millis
  );
}

/** Offset of `timeZone` from UTC at `instant`, in ms (UTC+2 is 7_200_000). */
export function utcOffset(timeZone: string, instant: number): number {
  return wallTime(timeZone, instant) - instant;
}

/** How a wall time maps onto instants in a zone. */
export type WallTimeInstants =
  | { kind: 'exact'; instant: number }
  /** The clock shows this time twice (the hour after a fall-back). */
  | { kind: 'ambiguous'; first: number; second: number }
  /** The clock skips this time (spring-forward); `next` is the first instant after the gap. */
  | { kind: 'gap'; next: number };

/** The instants at which a clock in `timeZone` shows wall time `wall`. */
export function instantsAt(timeZone: string, wall: number): WallTimeInstants {
  const before = utcOffset(timeZone, wall - DAY);
  const after = utcOffset(timeZone, wall + DAY);
  const candidates = [...new Set([wall - before, wall - after])]
    .filter((instant) => wallTime(timeZone, instant) === wall)
    .sort((a, b) => a - b);
  const [first, second] = candidates;
  if (first !== undefined && second !== undefined) {
    return { kind: 'ambiguous', first, second };
  }
  if (first !== undefined) {
    return { kind: 'exact', instant: first };
  }
  return { kind: 'gap', next: transitionInstant(timeZone, wall - after, wall - before, after) };
}

/** The first instant in [low, high] at which the zone's offset is `offset`, to the second. */
function transitionInstant(timeZone: string, low: number, high: number, offset: number): number {
  let lo = Math.floor(low / 1000);
  let hi = Math.ceil(high / 1000);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (utcOffset(timeZone, mid * 1000) === offset) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo * 1000;
}

/** How far the zone's offset moves within a day of `instant` (0 where there is no DST change). */
export function dstShiftAround(timeZone: string, instant: number): number {
  return Math.abs(utcOffset(timeZone, instant + DAY) - utcOffset(timeZone, instant - DAY));
}

/** Largest offset the zone has around `instant`: bounds how early a later wall time can occur. */
export function maxOffsetAround(timeZone: string, instant: number): number {
  return Math.max(utcOffset(timeZone, instant - DAY), utcOffset(timeZone, instant + DAY));
}

/** `instant` as ISO 8601 local time with the zone's offset, e.g. 2026-03-08T03:00:00-04:00. */
export function formatInZone(instant: Date, timeZone: string): string {
  const offset = utcOffset(timeZone, instant.getTime());
  const local = new Date(instant.getTime() + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** The viewer's own time zone, as the browser reports it. */
export const VIEWER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const formats = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-02 09:30:00` in `timeZone` (the viewer's by default), with the zone's short name. */
export function formatInstant(iso: string | null | undefined, timeZone: string = VIEWER_TIME_ZONE): string {
  if (iso === null || iso === undefined) {
    return '—';
  }
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(timeZone, format);
  }
  return format.format(new Date(iso)).replace(',', '');
}

/** `1.2 s`, `350 ms`, `4 min 10 s`, `2 h 5 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '—';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  }
  if (ms < 3_600_000) {
    return withRest(Math.floor(ms / 60_000), 'min', Math.round((ms % 60_000) / 1000), 's');
  }
  return withRest(Math.floor(ms / 3_600_000), 'h', Math.round((ms % 3_600_000) / 60_000), 'min');
}

/** `5 min`, `5 min 10 s`: the smaller unit only when it is not zero. */
function withRest(whole: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${whole} ${unit}` : `${whole} ${unit} ${rest} ${restUnit}`;
}

/** `in 5 min`, `3 s ago`: relative to now, for instants near it. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (iso === null || iso === undefined) {
    return '';
  }
  const delta = new Date(iso).getTime() - now;
  const text = formatDuration(Math.abs(delta));
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

/** Milliseconds between two instants, or null while the second is unknown. */
export function between(from: string | null | undefined, to: string | null | undefined): number | null {
  if (from === null || from === undefined || to === null || to === undefined) {
    return null;
  }
  return new Date(to).getTime() - new Date(from).getTime();
}

export function formatJson(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** The value of an `<input type="datetime-local">` as an ISO instant in the viewer's zone, or undefined. */
export function localInputToIso(value: string): string | undefined {
  if (value === '') {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

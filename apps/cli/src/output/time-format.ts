/*
 * Times as a person reads them in a terminal: instants in ISO 8601 (UTC, to the second), with how
 * long ago or how soon beside them where that is what one looks for; spans in the largest units.
 */

/** `2026-03-02T09:30:00Z`; `-` for none. Milliseconds are left out: `--json` has them. */
export function formatInstant(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) {
    return '-';
  }
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `3m ago`, `in 2h5m`, `now` (within a second). */
export function formatRelative(iso: string, now: Date): string {
  const deltaMs = Date.parse(iso) - now.getTime();
  if (Math.abs(deltaMs) < 1000) {
    return 'now';
  }
  const span = formatSpan(Math.abs(deltaMs), 2);
  return deltaMs < 0 ? `${span} ago` : `in ${span}`;
}

/** `2026-03-02T09:30:00Z (3m ago)`; `-` for none. */
export function formatInstantFromNow(iso: string | null | undefined, now: Date): string {
  if (iso === null || iso === undefined) {
    return '-';
  }
  return `${formatInstant(iso)} (${formatRelative(iso, now)})`;
}

/** A span of milliseconds: `230ms`, `1.5s`, `2m5s`, `1h2m`, `3d4h`; `-` for none. */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '-';
  }
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  if (ms < 60_000) {
    const seconds = Math.round(ms / 100) / 10;
    return `${seconds}s`;
  }
  return formatSpan(ms, 2);
}

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** The span in at most `parts` whole units, largest first, rounded down: `1h2m`, `3d`. */
function formatSpan(ms: number, parts: number): string {
  let rest = ms;
  const written: string[] = [];
  for (const [unit, size] of UNITS) {
    if (written.length === parts) {
      break;
    }
    const amount = Math.floor(rest / size);
    if (amount > 0 || written.length > 0) {
      rest -= amount * size;
      if (amount > 0) {
        written.push(`${amount}${unit}`);
      } else {
        // A zero in the middle ends the span: "1h" rather than "1h0m".
        break;
      }
    }
  }
  return written.length === 0 ? `${Math.round(ms)}ms` : written.join('');
}

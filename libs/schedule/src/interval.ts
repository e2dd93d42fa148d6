const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/g;
const WHOLE = /^(?:\d+(?:ms|s|m|h|d))+$/;

/** Parses "90s", "15m", "1h30m", "2d" into milliseconds; null when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const compact = text.replaceAll(' ', '');
  if (!WHOLE.test(compact)) {
    return null;
  }
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) {
    total += Number(amount) * (UNITS[unit ?? ''] ?? 0);
  }
  return total;
}

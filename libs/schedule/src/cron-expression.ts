import { Cron } from 'croner';

/** A validated cron expression: 5 fields, or 6 with seconds first. */
export interface CronExpression {
  source: string;
  /**
   * Whether the minute or hour field is a wildcard (`*`, `*\/15`): such a job follows elapsed time
   * across DST changes instead of the wall clock (Vixie cron's rule).
   */
  wildcardTime: boolean;
  /** The first wall time (naive epoch ms) strictly after `wall` that matches. */
  nextWallTime(wall: number): number | null;
}

/** Parses a cron expression; returns an error message instead when it is not valid. */
export function parseCron(source: string): CronExpression | { error: string } {
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return { error: `expected 5 fields (or 6 with seconds first), got ${fields.length}` };
  }
  let cron: Cron;
  try {
    // Wall-clock matching happens in UTC; the zone is applied when wall times become instants.
    cron = new Cron(source, { timezone: 'UTC', mode: fields.length === 6 ? '6-part' : '5-part', paused: true });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const [minute, hour] = fields.length === 6 ? [fields[1], fields[2]] : [fields[0], fields[1]];
  return {
    source,
    wildcardTime: (minute ?? '').startsWith('*') || (hour ?? '').startsWith('*'),
    nextWallTime: (wall) => cron.nextRun(new Date(wall))?.getTime() ?? null,
  };
}

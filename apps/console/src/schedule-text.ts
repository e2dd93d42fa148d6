import type { JobSchedule } from '@meridian/client/browser';

/** A schedule in one line: `cron "0 9 * * 1-5" in Europe/Berlin`, `every 15m`. */
export function describeSchedule(schedule: JobSchedule): string {
  const definition = schedule.definition;
  if ('cron' in definition) {
    return `cron "${definition.cron}" in ${scheduleTimeZone(schedule)}`;
  }
  if ('every' in definition) {
    return `every ${definition.every}`;
  }
  return `every ${definition.everyMs} ms`;
}

/** The zone a schedule's times are meant in: a cron's own, UTC for intervals. */
export function scheduleTimeZone(schedule: JobSchedule): string {
  const definition = schedule.definition;
  return 'cron' in definition ? (definition.timezone ?? 'UTC') : 'UTC';
}

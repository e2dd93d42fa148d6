import type { Job, JobSummary, Schedule } from '@meridian/client';

import { renderDetails, renderTable } from './table.js';
import { formatDurationMs, formatInstant, formatInstantFromNow } from './time-format.js';

/** One row a job: what `jobs list` shows. */
export function renderJobsTable(jobs: readonly JobSummary[]): string {
  if (jobs.length === 0) {
    return 'No jobs.';
  }
  return renderTable(
    ['id', 'name', 'handler', 'queue', 'status', 'schedule', 'created'],
    jobs.map((job) => [
      job.id,
      job.name,
      job.handler,
      job.queue,
      job.status,
      job.schedule === null ? '-' : `${describeSchedule(job.schedule.definition)} (${job.schedule.state})`,
      formatInstant(job.createdAt),
    ]),
  );
}

/** A job read on its own: its settings, its schedule's state and its latest execution. */
export function renderJobDetails(job: Job | JobSummary, now: Date = new Date()): string {
  const fields: [string, string][] = [
    ['Job', job.id],
    ['Name', job.name],
    ['Handler', job.handler],
    ['Status', job.status],
    ['Queue', job.queue],
    ['Priority', String(job.priority)],
    ['Payload', JSON.stringify(job.payload)],
    [
      'Retry',
      `${job.retry.maxAttempts} attempts, ${job.retry.backoff.type} backoff from ${formatDurationMs(job.retry.backoff.delayMs)}`,
    ],
    ['Timeout', `${formatDurationMs(job.timeoutMs)} per attempt`],
  ];
  if (job.runAt !== null) {
    fields.push(['Run at', formatInstantFromNow(job.runAt, now)]);
  }
  if (job.idempotencyKey !== null) {
    fields.push(['Idempotency key', job.idempotencyKey]);
  }
  const { schedule } = job;
  if (schedule !== null) {
    fields.push(
      ['Schedule', `${describeSchedule(schedule.definition)}, overlap ${schedule.overlap}`],
      ['Schedule state', schedule.state],
      ['Next run', formatInstantFromNow(schedule.nextRunAt, now)],
      ['Occurrences', String(schedule.occurrences)],
    );
    if (schedule.state === 'PAUSED') {
      fields.push(
        ['Paused until', schedule.pausedUntil === null ? 'resumed by hand' : formatInstant(schedule.pausedUntil)],
        ['Pause note', schedule.pauseNote ?? '-'],
      );
    }
  }
  fields.push(['Created', formatInstantFromNow(job.createdAt, now)]);
  if ('latestExecution' in job) {
    const latest = job.latestExecution;
    fields.push([
      'Latest execution',
      latest === null ? '- (no occurrence yet)' : `${latest.id} ${latest.status}, attempt ${latest.attempt}`,
    ]);
  }
  return renderDetails(fields);
}

/** `cron 0 9 * * 1-5 Europe/Berlin`, `every 15m`, `every 90s`. */
export function describeSchedule(schedule: Schedule): string {
  if ('cron' in schedule) {
    return `cron ${schedule.cron} ${schedule.timezone ?? 'UTC'}`;
  }
  if ('every' in schedule) {
    return `every ${schedule.every}`;
  }
  return `every ${formatDurationMs(schedule.everyMs)}`;
}

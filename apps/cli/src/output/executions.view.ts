import type { Attempt, Execution, ExecutionSummary } from '@meridian/client';

import type { AttemptError } from './schema-types.js';
import { renderDetails, renderTable } from './table.js';
import { formatDurationMs, formatInstant, formatInstantFromNow } from './time-format.js';

/** One row an execution, newest first: what `jobs executions` shows. */
export function renderExecutionsTable(executions: readonly ExecutionSummary[]): string {
  if (executions.length === 0) {
    return 'No executions.';
  }
  return renderTable(
    ['id', 'status', 'attempt', 'scheduled for', 'started', 'finished', 'last error'],
    executions.map((execution) => [
      execution.id,
      execution.status,
      String(execution.attempt),
      formatInstant(execution.scheduledFor),
      formatInstant(execution.startedAt),
      formatInstant(execution.finishedAt),
      execution.lastError === null ? '-' : describeError(execution.lastError),
    ]),
  );
}

/** An execution read on its own, with its attempts beneath. */
export function renderExecutionDetails(execution: Execution, now: Date = new Date()): string {
  const fields: [string, string][] = [
    ['Execution', execution.id],
    ['Job', execution.jobId],
    ['Status', execution.status],
    ['Attempt', String(execution.attempt)],
    ['Scheduled for', formatInstantFromNow(execution.scheduledFor, now)],
  ];
  if (execution.nominalTime !== null) {
    fields.push(['Occurrence', formatInstant(execution.nominalTime)]);
  }
  fields.push(['Started', formatInstantFromNow(execution.startedAt, now)]);
  fields.push(['Finished', formatInstantFromNow(execution.finishedAt, now)]);
  if (execution.nextAttemptAt !== null) {
    fields.push(['Next attempt', formatInstantFromNow(execution.nextAttemptAt, now)]);
  }
  if (execution.result !== null && execution.result !== undefined) {
    fields.push(['Result', JSON.stringify(execution.result)]);
  }
  if (execution.lastError !== null) {
    fields.push(['Last error', describeError(execution.lastError)]);
  }
  const attempts = execution.attempts ?? [];
  const more = execution.attemptsNextCursor === null ? '' : '\n(more attempts: see --json)';
  return `${renderDetails(fields)}\n\n${renderAttemptsTable(attempts)}${more}`;
}

/** One row an attempt, oldest first. */
export function renderAttemptsTable(attempts: readonly Attempt[]): string {
  if (attempts.length === 0) {
    return 'No attempts yet.';
  }
  return renderTable(
    ['attempt', 'outcome', 'worker', 'started', 'duration', 'error', 'retry in'],
    attempts.map((attempt) => [
      String(attempt.attempt),
      attempt.outcome,
      attempt.workerId,
      formatInstant(attempt.startedAt),
      formatDurationMs(attempt.durationMs),
      attempt.error === null ? '-' : describeError(attempt.error),
      formatDurationMs(attempt.retryDelayMs),
    ]),
  );
}

/** `handler_failed: slept 10 ms and failed as asked (final: exhausted)`. */
export function describeError(error: AttemptError): string {
  const final = error.final === undefined ? '' : ` (final: ${error.final})`;
  return `${error.code}: ${error.message}${final}`;
}

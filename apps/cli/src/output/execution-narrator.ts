import type { Attempt, Execution } from '@meridian/client';

import { describeError } from './executions.view.js';
import { formatDurationMs, formatInstant } from './time-format.js';

/**
 * Tells an execution's story as it is read again and again: each attempt's outcome once, as it
 * becomes known, then each change of status. Reads may skip states (an attempt that starts and
 * fails between two reads shows only as failed); what was told is never told again.
 */
export class ExecutionNarrator {
  private readonly toldOutcomes = new Map<number, Attempt['outcome']>();
  private toldStatus: Execution['status'] | undefined;

  /** The lines `execution` adds to what earlier reads told. */
  linesFor(execution: Execution): string[] {
    const lines: string[] = [];
    if (this.toldStatus === undefined) {
      lines.push(`execution ${execution.id} of job ${execution.jobId}`);
    }
    let attemptStarted = false;
    for (const attempt of execution.attempts ?? []) {
      if (this.toldOutcomes.get(attempt.attempt) !== attempt.outcome) {
        this.toldOutcomes.set(attempt.attempt, attempt.outcome);
        lines.push(describeAttempt(attempt));
        attemptStarted ||= attempt.outcome === 'RUNNING';
      }
    }
    if (execution.status !== this.toldStatus) {
      this.toldStatus = execution.status;
      // "attempt 2 RUNNING on …" has said it already.
      if (!(execution.status === 'RUNNING' && attemptStarted)) {
        lines.push(describeStatus(execution));
      }
    }
    return lines;
  }
}

function describeAttempt(attempt: Attempt): string {
  const at = formatInstant(attempt.finishedAt ?? attempt.startedAt);
  const what = `attempt ${attempt.attempt} ${attempt.outcome}`;
  if (attempt.outcome === 'RUNNING') {
    return `${at}  ${what} on ${attempt.workerId}`;
  }
  const error = attempt.error === null ? '' : `: ${describeError(attempt.error)}`;
  const retry = attempt.retryDelayMs === null ? '' : ` (retry in ${formatDurationMs(attempt.retryDelayMs)})`;
  return `${at}  ${what} after ${formatDurationMs(attempt.durationMs)}${error}${retry}`;
}

function describeStatus(execution: Execution): string {
  const at = formatInstant(execution.finishedAt ?? execution.updatedAt);
  const attempts = `${execution.attempt} attempt${execution.attempt === 1 ? '' : 's'}`;
  switch (execution.status) {
    case 'SUCCEEDED':
      return `${at}  SUCCEEDED after ${attempts}: ${JSON.stringify(execution.result)}`;
    case 'DEAD':
    case 'CANCELLED':
    case 'SKIPPED':
      return `${at}  ${execution.status} after ${attempts}`;
    case 'RETRYING':
      return `${at}  RETRYING, next attempt at ${formatInstant(execution.nextAttemptAt)}`;
    case 'QUEUED':
      return `${at}  QUEUED, due ${formatInstant(execution.scheduledFor)}`;
    case 'BLOCKED':
    case 'PENDING':
    case 'RUNNING':
      return `${at}  ${execution.status}`;
  }
}

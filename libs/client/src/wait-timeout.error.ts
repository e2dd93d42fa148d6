import type { Execution } from './api-types.js';

/**
 * A wait that ran out of time before the execution ended. `execution` is its state last read (the
 * caller can tell a job still queued, with no worker on its queue, from one retrying), undefined
 * when it was never read: a recurring job whose first run had not started, or an API not answering.
 */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  readonly timeoutMs: number;
  readonly execution: Execution | undefined;

  /** `subject` names what was awaited: "execution <id>", "the first execution of job <id>". */
  constructor(subject: string, timeoutMs: number, execution: Execution | undefined, lastFailure?: unknown) {
    super(`${subject} did not end within ${timeoutMs} ms: ${lastSeen(execution, lastFailure)}`, {
      cause: lastFailure,
    });
    this.timeoutMs = timeoutMs;
    this.execution = execution;
  }
}

function lastSeen(execution: Execution | undefined, lastFailure: unknown): string {
  const failure = lastFailure instanceof Error ? lastFailure.message : undefined;
  if (execution === undefined) {
    return failure === undefined ? 'it had not started' : `it could not be read (${failure})`;
  }
  const state = `last seen ${execution.status} at attempt ${execution.attempt}`;
  return failure === undefined ? state : `${state}; the last read failed (${failure})`;
}

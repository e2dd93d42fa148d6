import type { Attempt, Execution } from '@meridian/client';

/*
 * What the API answers, as `@meridian/client` types it, for specs of code that reads answers (the
 * client's waits, the command-line tool's output) without a server. Times are fixed, so that what a
 * spec prints is the same on every run.
 */

/** `GET /v1/executions/{id}`: an execution not yet run, with no attempt, unless `overrides` say. */
export function anExecutionAnswer(overrides: Partial<Execution> = {}): Execution {
  return {
    id: '0193a6f0-0000-7000-8000-000000000001',
    jobId: '0193a6f0-0000-7000-8000-000000000002',
    status: 'PENDING',
    attempt: 0,
    scheduledFor: '2026-03-02T09:30:00.000Z',
    nominalTime: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    workerId: null,
    result: null,
    lastError: null,
    parkedAt: null,
    createdAt: '2026-03-02T09:30:00.000Z',
    updatedAt: '2026-03-02T09:30:00.000Z',
    attempts: [],
    attemptsNextCursor: null,
    ...overrides,
  };
}

/** Attempt `attempt` of an execution: started at second `attempt`, 20 ms long unless still running. */
export function anAttemptAnswer(
  attempt: number,
  outcome: Attempt['outcome'],
  overrides: Partial<Attempt> = {},
): Attempt {
  const running = outcome === 'RUNNING';
  return {
    attempt,
    outcome,
    workerId: 'worker-1',
    startedAt: `2026-03-02T09:30:0${attempt}.000Z`,
    finishedAt: running ? null : `2026-03-02T09:30:0${attempt}.020Z`,
    durationMs: running ? null : 20,
    error: null,
    retryDelayMs: null,
    ...overrides,
  };
}

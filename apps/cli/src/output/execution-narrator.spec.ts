import { describe, expect, it } from '@jest/globals';
import type { Execution } from '@meridian/client';
import { anAttemptAnswer as anAttempt, anExecutionAnswer } from '@meridian/testing';

import { ExecutionNarrator } from './execution-narrator.js';

const anExecution = (overrides: Partial<Execution>) => anExecutionAnswer({ id: 'e1', jobId: 'j1', ...overrides });

const failed = (attempt: number, retryDelayMs: number | null) =>
  anAttempt(attempt, 'FAILED', { error: { code: 'handler_failed', message: 'boom' }, retryDelayMs });

describe(ExecutionNarrator.name, () => {
  it('should tell each attempt outcome once, in order, then each change of status', () => {
    const sut = new ExecutionNarrator();

    const told = [
      anExecution({ status: 'QUEUED' }),
      anExecution({ status: 'RUNNING', attempt: 1, attempts: [anAttempt(1, 'RUNNING')] }),
      anExecution({ status: 'RUNNING', attempt: 1, attempts: [anAttempt(1, 'RUNNING')] }),
      anExecution({
        status: 'RETRYING',
        attempt: 1,
        attempts: [failed(1, 200)],
        nextAttemptAt: '2026-03-02T09:30:01.220Z',
        updatedAt: '2026-03-02T09:30:01.020Z',
      }),
      anExecution({
        status: 'DEAD',
        attempt: 2,
        attempts: [failed(1, 200), failed(2, null)],
        finishedAt: '2026-03-02T09:30:02.020Z',
      }),
    ].map((execution) => sut.linesFor(execution));

    expect(told).toEqual([
      ['execution e1 of job j1', '2026-03-02T09:30:00Z  QUEUED, due 2026-03-02T09:30:00Z'],
      ['2026-03-02T09:30:01Z  attempt 1 RUNNING on worker-1'],
      [],
      [
        '2026-03-02T09:30:01Z  attempt 1 FAILED after 20ms: handler_failed: boom (retry in 200ms)',
        '2026-03-02T09:30:01Z  RETRYING, next attempt at 2026-03-02T09:30:01Z',
      ],
      [
        '2026-03-02T09:30:02Z  attempt 2 FAILED after 20ms: handler_failed: boom',
        '2026-03-02T09:30:02Z  DEAD after 2 attempts',
      ],
    ]);
  });

  it('should tell RUNNING when no started attempt has been read to say it', () => {
    const sut = new ExecutionNarrator();

    const lines = sut.linesFor(anExecution({ status: 'RUNNING', attempt: 1 }));

    expect(lines).toEqual(['execution e1 of job j1', '2026-03-02T09:30:00Z  RUNNING']);
  });

  it('should tell an attempt that started and ended between two reads by its outcome alone', () => {
    const sut = new ExecutionNarrator();

    sut.linesFor(anExecution({ status: 'QUEUED' }));
    const lines = sut.linesFor(
      anExecution({
        status: 'SUCCEEDED',
        attempt: 1,
        attempts: [anAttempt(1, 'SUCCEEDED')],
        result: { ok: true },
        finishedAt: '2026-03-02T09:30:01.020Z',
      }),
    );

    expect(lines).toEqual([
      '2026-03-02T09:30:01Z  attempt 1 SUCCEEDED after 20ms',
      '2026-03-02T09:30:01Z  SUCCEEDED after 1 attempt: {"ok":true}',
    ]);
  });
});

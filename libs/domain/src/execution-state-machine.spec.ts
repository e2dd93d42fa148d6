import { describe, expect, it } from '@jest/globals';

import { DomainError, IllegalTransitionError } from './errors.js';
import { assertInitial, assertTransition, canTransition, isInitial, sourcesOf } from './execution-state-machine.js';
import { EXECUTION_STATUSES, type ExecutionStatus, isTerminal } from './execution-status.js';

/** The agreed lifecycle (README "Executions and attempts"), written out pair by pair. */
const LEGAL: ReadonlyArray<[ExecutionStatus, ExecutionStatus]> = [
  // A job waiting for its dependencies is released to run, or skipped when one failed.
  ['BLOCKED', 'PENDING'],
  ['BLOCKED', 'SKIPPED'],
  ['BLOCKED', 'CANCELLED'],
  ['PENDING', 'QUEUED'],
  // The relay's enqueue reached BullMQ before its commit: the worker may start the job anyway.
  ['PENDING', 'RUNNING'],
  ['PENDING', 'CANCELLED'],
  ['QUEUED', 'RUNNING'],
  ['QUEUED', 'CANCELLED'],
  // A redelivery after the previous worker was lost starts a new attempt.
  ['RUNNING', 'RUNNING'],
  ['RUNNING', 'SUCCEEDED'],
  ['RUNNING', 'RETRYING'],
  ['RUNNING', 'DEAD'],
  ['RUNNING', 'CANCELLED'],
  // A worker shutting down hands the attempt back.
  ['RUNNING', 'QUEUED'],
  ['RETRYING', 'RUNNING'],
  ['RETRYING', 'CANCELLED'],
];

const isLegal = (from: ExecutionStatus, to: ExecutionStatus) => LEGAL.some(([a, b]) => a === from && b === to);
const ALL_PAIRS = EXECUTION_STATUSES.flatMap((from) => EXECUTION_STATUSES.map((to) => [from, to] as const));
const ILLEGAL_PAIRS = ALL_PAIRS.filter(([from, to]) => !isLegal(from, to));
const TERMINAL: ExecutionStatus[] = ['SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED'];

function thrownBy(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('canTransition', () => {
  it('should know all nine statuses', () => {
    expect([...EXECUTION_STATUSES].sort()).toEqual([
      'BLOCKED',
      'CANCELLED',
      'DEAD',
      'PENDING',
      'QUEUED',
      'RETRYING',
      'RUNNING',
      'SKIPPED',
      'SUCCEEDED',
    ]);
  });

  it.each(ALL_PAIRS)('should decide %s -> %s as the lifecycle says', (from, to) => {
    expect(canTransition(from, to)).toBe(isLegal(from, to));
  });

  it.each(TERMINAL)('should give no way out of terminal %s, not even to itself', (from) => {
    expect(isTerminal(from)).toBe(true);
    expect(EXECUTION_STATUSES.filter((to) => canTransition(from, to))).toEqual([]);
  });

  it('should treat exactly SUCCEEDED, DEAD, CANCELLED and SKIPPED as terminal', () => {
    expect(EXECUTION_STATUSES.filter(isTerminal).sort()).toEqual([...TERMINAL].sort());
  });

  it.each(EXECUTION_STATUSES.filter((status) => !isTerminal(status)))(
    'should let non-terminal %s be cancelled',
    (from) => {
      expect(canTransition(from, 'CANCELLED')).toBe(true);
    },
  );

  it('should lead to PENDING only from BLOCKED, once dependencies have ended', () => {
    expect(EXECUTION_STATUSES.filter((from) => canTransition(from, 'PENDING'))).toEqual(['BLOCKED']);
  });
});

describe('assertTransition', () => {
  it.each(LEGAL)('should allow %s -> %s', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(ILLEGAL_PAIRS)('should refuse %s -> %s with IllegalTransitionError', (from, to) => {
    const error = thrownBy(() => assertTransition(from, to));

    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'illegal_transition', from, to, retryable: false });
    expect((error as Error).message).toBe(`An execution cannot go from ${from} to ${to}.`);
  });
});

describe('sourcesOf', () => {
  it.each(EXECUTION_STATUSES)('should list every status that may enter %s, and only those', (to) => {
    const expected = EXECUTION_STATUSES.filter((from) => isLegal(from, to));
    expect([...sourcesOf(to)].sort()).toEqual([...expected].sort());
  });

  it('should give the guards the repositories write with', () => {
    expect(sourcesOf('RUNNING').sort()).toEqual(['PENDING', 'QUEUED', 'RETRYING', 'RUNNING']);
    expect(sourcesOf('CANCELLED').sort()).toEqual(['BLOCKED', 'PENDING', 'QUEUED', 'RETRYING', 'RUNNING']);
    expect(sourcesOf('QUEUED').sort()).toEqual(['PENDING', 'RUNNING']);
    expect(sourcesOf('SUCCEEDED')).toEqual(['RUNNING']);
    expect(sourcesOf('RETRYING')).toEqual(['RUNNING']);
    expect(sourcesOf('DEAD')).toEqual(['RUNNING']);
    expect(sourcesOf('SKIPPED')).toEqual(['BLOCKED']);
    expect(sourcesOf('PENDING')).toEqual(['BLOCKED']);
  });

  it('should never name a terminal status as a source', () => {
    for (const to of EXECUTION_STATUSES) {
      expect(sourcesOf(to).filter(isTerminal)).toEqual([]);
    }
  });

  it('should hand out a fresh list the caller may change without changing the lifecycle', () => {
    const sources = sourcesOf('SUCCEEDED');
    sources.push('DEAD');

    expect(sourcesOf('SUCCEEDED')).toEqual(['RUNNING']);
    expect(canTransition('DEAD', 'SUCCEEDED')).toBe(false);
  });
});

describe('assertInitial', () => {
  it.each(['BLOCKED', 'PENDING', 'QUEUED'] as const)('should let an execution be created %s', (status) => {
    expect(isInitial(status)).toBe(true);
    expect(() => assertInitial(status)).not.toThrow();
  });

  it.each(EXECUTION_STATUSES.filter((status) => !['BLOCKED', 'PENDING', 'QUEUED'].includes(status)))(
    'should refuse to create an execution %s',
    (status) => {
      const error = thrownBy(() => assertInitial(status));

      expect(isInitial(status)).toBe(false);
      expect(error).toBeInstanceOf(IllegalTransitionError);
      expect(error).toMatchObject({ code: 'illegal_transition', from: 'nothing', to: status });
    },
  );
});

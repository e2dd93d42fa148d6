import { describe, expect, it } from '@jest/globals';

import { IllegalTransitionError } from './errors.js';
import { assertTransition, canTransition, sourcesOf } from './execution-state-machine.js';
import { EXECUTION_STATUSES, type ExecutionStatus, isTerminal } from './execution-status.js';

/** The agreed lifecycle (DESIGN.md), written out pair by pair. */
const LEGAL: ReadonlyArray<[ExecutionStatus, ExecutionStatus]> = [
  ['PENDING', 'QUEUED'],
  ['PENDING', 'RUNNING'],
  ['PENDING', 'CANCELLED'],
  ['PENDING', 'SKIPPED'],
  ['QUEUED', 'RUNNING'],
  ['QUEUED', 'CANCELLED'],
  ['RUNNING', 'RUNNING'],
  ['RUNNING', 'SUCCEEDED'],
  ['RUNNING', 'RETRYING'],
  ['RUNNING', 'DEAD'],
  ['RUNNING', 'CANCELLED'],
  ['RUNNING', 'QUEUED'],
  ['RETRYING', 'RUNNING'],
  ['RETRYING', 'CANCELLED'],
];

const isLegal = (from: ExecutionStatus, to: ExecutionStatus) => LEGAL.some(([a, b]) => a === from && b === to);
const ALL_PAIRS = EXECUTION_STATUSES.flatMap((from) => EXECUTION_STATUSES.map((to) => [from, to] as const));

describe('execution state machine', () => {
  it.each(ALL_PAIRS)('should decide %s -> %s as the lifecycle says', (from, to) => {
    expect(canTransition(from, to)).toBe(isLegal(from, to));
  });

  it('should give no way out of a terminal status', () => {
    for (const from of EXECUTION_STATUSES.filter(isTerminal)) {
      expect(EXECUTION_STATUSES.filter((to) => canTransition(from, to))).toEqual([]);
    }
  });

  it('should treat exactly SUCCEEDED, DEAD, CANCELLED and SKIPPED as terminal', () => {
    expect(EXECUTION_STATUSES.filter(isTerminal).sort()).toEqual(['CANCELLED', 'DEAD', 'SKIPPED', 'SUCCEEDED']);
  });

  it('should list the sources of a status as the guard of its conditional write', () => {
    expect(sourcesOf('RUNNING').sort()).toEqual(['PENDING', 'QUEUED', 'RETRYING', 'RUNNING']);
    expect(sourcesOf('CANCELLED').sort()).toEqual(['PENDING', 'QUEUED', 'RETRYING', 'RUNNING']);
    expect(sourcesOf('SUCCEEDED')).toEqual(['RUNNING']);
    expect(sourcesOf('PENDING')).toEqual([]);
  });

  it('should reject an illegal transition with a typed error', () => {
    expect(() => assertTransition('SUCCEEDED', 'RUNNING')).toThrow(IllegalTransitionError);
    try {
      assertTransition('DEAD', 'QUEUED');
    } catch (error) {
      expect(error).toMatchObject({ code: 'illegal_transition', from: 'DEAD', to: 'QUEUED' });
    }
    expect(() => assertTransition('RUNNING', 'SUCCEEDED')).not.toThrow();
  });
});

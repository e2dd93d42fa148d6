import { describe, expect, it } from '@jest/globals';

import { decideOverlap, MAX_BUFFERED_RUNS, type OverlapPolicy } from './recurrence-policy.js';

describe('decideOverlap', () => {
  it.each<OverlapPolicy>(['skip', 'buffer_one', 'buffer_all', 'cancel_previous', 'allow'])(
    'should run at once under %s when nothing is in flight',
    (policy) => {
      expect(decideOverlap(policy, { live: 0, buffered: 0 })).toBe('run');
    },
  );

  it.each<[OverlapPolicy, { live: number; buffered: number }, string]>([
    ['skip', { live: 1, buffered: 0 }, 'skip'],
    ['allow', { live: 3, buffered: 0 }, 'run'],
    ['buffer_one', { live: 1, buffered: 0 }, 'buffer'],
    ['buffer_one', { live: 2, buffered: 1 }, 'skip'],
    ['buffer_all', { live: 2, buffered: 1 }, 'buffer'],
    ['buffer_all', { live: MAX_BUFFERED_RUNS + 1, buffered: MAX_BUFFERED_RUNS }, 'skip'],
    ['cancel_previous', { live: 2, buffered: 1 }, 'cancel_and_run'],
  ])('under %s with %j in flight, should %s', (policy, runs, decision) => {
    expect(decideOverlap(policy, runs)).toBe(decision);
  });
});

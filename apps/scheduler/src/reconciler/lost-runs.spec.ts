import { describe, expect, it } from '@jest/globals';

import { LostRuns } from './lost-runs.js';

describe(LostRuns.name, () => {
  it('should list the runs remembered within the last five minutes', () => {
    const sut = new LostRuns();

    sut.remember(['a', 'b'], 1_000);
    sut.remember(['c'], 2_000);

    expect(sut.recent(1_000 + 5 * 60_000)).toEqual(['a', 'b', 'c']);
  });

  it('should forget a run five minutes after it was last remembered', () => {
    const sut = new LostRuns();
    sut.remember(['a', 'b'], 0);
    sut.remember(['b'], 60_000);

    expect(sut.recent(5 * 60_000 + 1)).toEqual(['b']);
    expect(sut.recent(6 * 60_000 + 1)).toEqual([]);
  });

  it('should list nothing when nothing was lost', () => {
    expect(new LostRuns().recent()).toEqual([]);
  });
});

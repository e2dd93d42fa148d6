import { describe, expect, it } from '@jest/globals';

import { RefusalBudget } from './refusal-budget.js';

describe(RefusalBudget.name, () => {
  const withClock = (perAddress: number, perNamespace: number) => {
    let now = 0;
    const sut = new RefusalBudget({ perAddress, perNamespace, windowMs: 1000 }, () => now);
    return { sut, advance: (ms: number) => (now += ms) };
  };
  const recorded = (sut: RefusalBudget, namespace: string, address: string, times: number) =>
    Array.from({ length: times }, () => sut.take(namespace, address)).filter((decision) => decision.record).length;

  it('should record at most perAddress refusals of one address per window', () => {
    const { sut } = withClock(3, 100);

    expect(recorded(sut, 'default', '192.0.2.1', 1000)).toBe(3);
    expect(recorded(sut, 'default', '192.0.2.2', 1000)).toBe(3);
  });

  it('should record at most perNamespace refusals of one namespace per window, from however many addresses', () => {
    const { sut } = withClock(3, 10);

    const decisions = Array.from({ length: 1000 }, (_, n) => sut.take('default', `10.0.${n >> 8}.${n & 255}`));

    expect(decisions.filter((decision) => decision.record)).toHaveLength(10);
    expect(recorded(sut, 'tenant', '192.0.2.1', 5)).toBe(3);
  });

  it('should count what it leaves out in the next entry of the namespace', () => {
    const { sut, advance } = withClock(2, 100);

    expect(sut.take('default', 'a')).toEqual({ record: true, unrecordedBefore: 0 });
    expect(sut.take('default', 'a')).toEqual({ record: true, unrecordedBefore: 0 });
    expect(recorded(sut, 'default', 'a', 5)).toBe(0);
    expect(sut.take('default', 'b')).toEqual({ record: true, unrecordedBefore: 5 });
    expect(sut.take('default', 'b')).toEqual({ record: true, unrecordedBefore: 0 });
    expect(sut.take('default', 'a')).toEqual({ record: false });
    advance(1000);
    expect(sut.take('default', 'a')).toEqual({ record: true, unrecordedBefore: 1 });
  });

  it('should start afresh in each window', () => {
    const { sut, advance } = withClock(1, 1);

    expect(recorded(sut, 'default', 'a', 3)).toBe(1);
    advance(999);
    expect(recorded(sut, 'default', 'a', 3)).toBe(0);
    advance(1);
    expect(recorded(sut, 'default', 'a', 3)).toBe(1);
  });

  it('should record nothing with a budget of 0', () => {
    expect(recorded(withClock(0, 100).sut, 'default', 'a', 10)).toBe(0);
    expect(recorded(withClock(10, 0).sut, 'default', 'a', 10)).toBe(0);
  });
});

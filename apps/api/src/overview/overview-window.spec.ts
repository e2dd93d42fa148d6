import { describe, expect, it } from '@jest/globals';

import { overviewWindow } from './overview-window.js';

const now = new Date('2026-03-02T09:30:20.500Z');

describe(overviewWindow.name, () => {
  it('should cut an hour into minutes, the last one being the minute now is in', () => {
    expect(overviewWindow(60, now)).toEqual({
      from: new Date('2026-03-02T08:31:00.000Z'),
      to: new Date('2026-03-02T09:31:00.000Z'),
      bucketSeconds: 60,
      buckets: 60,
    });
  });

  it('should cut a short window into minutes too', () => {
    expect(overviewWindow(5, now)).toMatchObject({ bucketSeconds: 60, buckets: 5 });
  });

  it.each([
    [90, 90],
    [360, 360],
    [1440, 1440],
  ])('should cut %i minutes into 60 buckets of %i s', (minutes, bucketSeconds) => {
    const window = overviewWindow(minutes, now);

    expect(window).toMatchObject({ bucketSeconds, buckets: 60 });
    expect(window.to.getTime() - window.from.getTime()).toBe(minutes * 60_000);
    expect(window.to.getTime() % (bucketSeconds * 1000)).toBe(0);
    expect(window.to.getTime()).toBeGreaterThan(now.getTime());
    expect(window.to.getTime() - now.getTime()).toBeLessThanOrEqual(bucketSeconds * 1000);
  });

  it('should keep its buckets where they were when read again within the same bucket', () => {
    expect(overviewWindow(360, new Date(now.getTime() + 5000))).toEqual(overviewWindow(360, now));
  });
});

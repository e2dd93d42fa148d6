import { describe, expect, it } from '@jest/globals';

import { BackgroundLoop } from './background-loop.js';

/** Resolves once `condition` holds (polled every 5 ms). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(BackgroundLoop.name, () => {
  it('should run its tick again after the wait the tick returned', async () => {
    let ticks = 0;
    const sut = new BackgroundLoop(() => Promise.resolve(((ticks += 1), 5)));

    sut.start();
    await until(() => ticks >= 3);
    await sut.stop();

    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('should start one loop however often it is started', async () => {
    let running = 0;
    let overlapped = false;
    const sut = new BackgroundLoop(async () => {
      running += 1;
      overlapped ||= running > 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
      running -= 1;
      return 0;
    });

    sut.start();
    sut.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sut.stop();

    expect(overlapped).toBe(false);
  });

  it('should let the tick in progress finish when stopped, and run no other', async () => {
    let release: () => void = () => undefined;
    let ticks = 0;
    let finished = 0;
    const sut = new BackgroundLoop(async () => {
      ticks += 1;
      await new Promise<void>((resolve) => (release = resolve));
      finished += 1;
      return 0;
    });

    sut.start();
    await until(() => ticks === 1);
    const stopped = sut.stop();
    release();
    await stopped;

    expect({ ticks, finished }).toEqual({ ticks: 1, finished: 1 });
  });

  it('should end a long wait at once when woken', async () => {
    let ticks = 0;
    const sut = new BackgroundLoop(() => Promise.resolve(((ticks += 1), 60_000)));

    sut.start();
    await until(() => ticks === 1);
    sut.wake();
    await until(() => ticks === 2);
    await sut.stop();

    expect(ticks).toBe(2);
  });

  it('should skip the next wait when woken during a tick', async () => {
    let release: () => void = () => undefined;
    let ticks = 0;
    const sut = new BackgroundLoop(async () => {
      ticks += 1;
      if (ticks === 1) {
        await new Promise<void>((resolve) => (release = resolve));
      }
      return 60_000;
    });

    sut.start();
    await until(() => ticks === 1);
    sut.wake();
    release();
    await until(() => ticks === 2);
    await sut.stop();

    expect(ticks).toBe(2);
  });

  it('should end its wait when stopped, without waiting it out', async () => {
    const sut = new BackgroundLoop(() => Promise.resolve(60_000));
    sut.start();
    await new Promise((resolve) => setImmediate(resolve));

    const started = Date.now();
    await sut.stop();

    expect(Date.now() - started).toBeLessThan(1000);
  });
});

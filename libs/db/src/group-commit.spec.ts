import { describe, expect, it } from '@jest/globals';

import { GroupCommit } from './group-commit.js';

/** A flush that records each batch it was given and answers each item doubled. */
function recordingFlush(options: { failOn?: (items: number[]) => Error | undefined } = {}) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  const flush = async (items: number[]) => {
    batches.push(items);
    await held;
    const failure = options.failOn?.(items);
    if (failure !== undefined) {
      throw failure;
    }
    return items.map((item) => item * 2);
  };
  return {
    flush,
    batches,
    /** Makes flushes wait until `open()` is called. */
    hold() {
      held = new Promise<void>((resolve) => (release = resolve));
    },
    open() {
      release?.();
      held = undefined;
    },
  };
}

const dataError = Object.assign(new Error('invalid input syntax'), { code: '22P02' });
const lostConnection = Object.assign(new Error('Connection terminated'), { code: undefined });

describe(GroupCommit.name, () => {
  it('should answer each caller with its own result, in the order of its items', async () => {
    const { flush } = recordingFlush();
    const sut = new GroupCommit(flush);

    await expect(Promise.all([1, 2, 3].map((item) => sut.submit(item)))).resolves.toEqual([2, 4, 6]);
  });

  it('should write items submitted in the same turn of the event loop in one flush', async () => {
    const { flush, batches } = recordingFlush();
    const sut = new GroupCommit(flush);

    await Promise.all([1, 2, 3, 4].map((item) => sut.submit(item)));

    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('should batch what arrives while the flushes in flight are busy, and no more than maxBatch at once', async () => {
    const recorder = recordingFlush();
    const sut = new GroupCommit(recorder.flush, { maxBatch: 3, maxInFlight: 1 });
    recorder.hold();
    const first = sut.submit(0);
    await new Promise((resolve) => setImmediate(resolve));

    const waiting = [1, 2, 3, 4, 5].map((item) => sut.submit(item));
    recorder.open();

    await Promise.all([first, ...waiting]);
    expect(recorder.batches).toEqual([[0], [1, 2, 3], [4, 5]]);
  });

  it('should not settle a caller before its flush has finished', async () => {
    const recorder = recordingFlush();
    const sut = new GroupCommit(recorder.flush);
    recorder.hold();
    let settled = false;
    const pending = sut.submit(1).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(settled).toBe(false);
    recorder.open();
    await pending;
    expect(settled).toBe(true);
  });

  it('should fail every caller of a flush that failed for a reason other than its data', async () => {
    const { flush } = recordingFlush({ failOn: () => lostConnection });
    const sut = new GroupCommit(flush);

    const results = await Promise.allSettled([1, 2].map((item) => sut.submit(item)));

    expect(results).toEqual([
      { status: 'rejected', reason: lostConnection },
      { status: 'rejected', reason: lostConnection },
    ]);
  });

  it('should retry a batch refused for its data one item at a time, so only the bad item fails', async () => {
    const { flush, batches } = recordingFlush({ failOn: (items) => (items.includes(13) ? dataError : undefined) });
    const sut = new GroupCommit(flush);

    const results = await Promise.allSettled([1, 13, 3].map((item) => sut.submit(item)));

    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: dataError },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(batches).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it('should go on with later items after a failed flush', async () => {
    let fail = true;
    const sut = new GroupCommit((items: number[]) => {
      if (fail) {
        fail = false;
        return Promise.reject(lostConnection);
      }
      return Promise.resolve(items);
    });

    await expect(sut.submit(1)).rejects.toBe(lostConnection);
    await expect(sut.submit(2)).resolves.toBe(2);
  });

  it('should drain: resolve once everything submitted has been written', async () => {
    const recorder = recordingFlush();
    const sut = new GroupCommit(recorder.flush, { maxInFlight: 1 });
    recorder.hold();
    const written: number[] = [];
    for (const item of [1, 2, 3]) {
      void sut.submit(item).then((value) => written.push(value));
    }
    const drained = sut.drain();
    recorder.open();

    await drained;
    expect(written.sort()).toEqual([2, 4, 6]);
  });

  it('should drain at once when nothing is pending', async () => {
    const sut = new GroupCommit((items: number[]) => Promise.resolve(items));

    await expect(sut.drain()).resolves.toBeUndefined();
  });
});

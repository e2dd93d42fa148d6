import { describe, expect, it } from '@jest/globals';

import type { Page } from './api-types.js';
import { iteratePages } from './iterate-pages.js';

/** A list served from `pages`, keyed by the cursor that asks for each (undefined: the first). */
function listOf(pages: Record<string, Page<number>>) {
  const asked: (string | undefined)[] = [];
  const fetchPage = (cursor: string | undefined) => {
    asked.push(cursor);
    const page = pages[cursor ?? 'first'];
    if (page === undefined) {
      return Promise.reject(new Error(`no page for cursor ${cursor}`));
    }
    return Promise.resolve(page);
  };
  return { fetchPage, asked };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) {
    all.push(item);
  }
  return all;
}

describe(iteratePages.name, () => {
  it('should answer every item of every page, in order, following nextCursor until it is null', async () => {
    const { fetchPage, asked } = listOf({
      first: { items: [1, 2], nextCursor: 'c2' },
      c2: { items: [3], nextCursor: 'c3' },
      c3: { items: [4, 5], nextCursor: null },
    });

    await expect(collect(iteratePages(fetchPage))).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, 'c2', 'c3']);
  });

  it('should go on past an empty page that still has a next cursor (a filtered page can be empty)', async () => {
    const { fetchPage } = listOf({
      first: { items: [], nextCursor: 'c2' },
      c2: { items: [], nextCursor: 'c3' },
      c3: { items: [7], nextCursor: null },
    });

    await expect(collect(iteratePages(fetchPage))).resolves.toEqual([7]);
  });

  it('should answer nothing for an empty list', async () => {
    const { fetchPage, asked } = listOf({ first: { items: [], nextCursor: null } });

    await expect(collect(iteratePages(fetchPage))).resolves.toEqual([]);
    expect(asked).toEqual([undefined]);
  });

  it('should fetch a page only when its items are wanted, and none after the loop is left', async () => {
    const { fetchPage, asked } = listOf({
      first: { items: [1, 2], nextCursor: 'c2' },
      c2: { items: [3], nextCursor: null },
    });

    for await (const item of iteratePages(fetchPage)) {
      if (item === 2) {
        break;
      }
    }

    expect(asked).toEqual([undefined]);
  });

  it('should reject with the error of a page that fails, after the items before it', async () => {
    const { fetchPage } = listOf({ first: { items: [1], nextCursor: 'gone' } });
    const seen: number[] = [];

    const iterate = async () => {
      for await (const item of iteratePages(fetchPage)) {
        seen.push(item);
      }
    };

    await expect(iterate()).rejects.toThrow('no page for cursor gone');
    expect(seen).toEqual([1]);
  });

  it('should stop rather than loop forever when a cursor comes back', async () => {
    const { fetchPage } = listOf({
      first: { items: [1], nextCursor: 'c2' },
      c2: { items: [2], nextCursor: 'c2' },
    });

    await expect(collect(iteratePages(fetchPage))).rejects.toThrow('cursor c2 twice');
  });
});

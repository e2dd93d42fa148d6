import type { Page } from './api-types.js';

/**
 * Every item of a cursor-paginated list, page by page: `fetchPage` is called with no cursor first,
 * then with each page's `nextCursor` until it is null. A page may be short, even empty, and still
 * have a next one (a filtered list reads a bounded number of rows a page), so only a null cursor
 * ends the list. Pages are fetched as the items are consumed: breaking out of the loop stops it.
 *
 * ```ts
 * const deadJobs = iteratePages(async (cursor) =>
 *   unwrap(await client.GET('/v1/jobs', { params: { query: { status: 'DEAD', cursor } } })),
 * );
 * for await (const job of deadJobs) { … }
 * ```
 */
export async function* iteratePages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
    // A cursor handed back twice would loop forever; the API never does, a broken proxy cache might.
    if (cursor !== undefined) {
      if (seen.has(cursor)) {
        throw new Error(`the list answered cursor ${cursor} twice; stopping rather than looping`);
      }
      seen.add(cursor);
    }
  } while (cursor !== undefined);
}

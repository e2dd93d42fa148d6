import { iteratePages, type Page } from '@meridian/client';
import type { Command } from 'commander';

import { parsePositiveInteger } from '../arguments.js';
import type { Output } from '../output/output.js';

/** The options of every paginated list. */
export interface PageOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

/** Adds `--limit`, `--cursor` and `--all` to a list command. */
export function withPageOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page (the API allows 1 to 100; default 20)', parsePositiveInteger)
    .option('--cursor <cursor>', 'start from this page (a nextCursor the previous page gave)')
    .option('--all', 'follow the pages to the end of the list');
}

/**
 * One page of a list, or with `--all` every item of it. `fetchPage` reads the page after `cursor`
 * with the command's `--limit`.
 */
export async function readList<T>(
  options: PageOptions,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<Page<T>> {
  if (options.all !== true) {
    return fetchPage(options.cursor);
  }
  const items: T[] = [];
  // iteratePages asks for its first page with no cursor: that page is the one --cursor names.
  for await (const item of iteratePages((cursor) => fetchPage(cursor ?? options.cursor))) {
    items.push(item);
  }
  return { items, nextCursor: null };
}

/**
 * Prints a list: with `--json`, its items (every item with `--all`) as a JSON array; otherwise the
 * table, and on stderr how to read on when there is more.
 */
export function printList<T>(output: Output, page: Page<T>, render: (items: readonly T[]) => string): void {
  output.result(page.items, render);
  if (page.nextCursor !== null && !output.json) {
    output.note(`More on the next page: --cursor ${page.nextCursor} (or --all).`);
  }
}

import { isUuid, ValidationError } from '@meridian/domain';

import type { Page } from '../records.js';

/** The refusal of a cursor this API did not hand out (at `path`). */
const invalidCursor = (path = 'cursor') =>
  new ValidationError([{ path, message: 'is not a cursor returned by this API', code: 'invalid_cursor' }]);

/**
 * Keyset pagination over time-ordered (UUIDv7) ids, newest first: the cursor is the last id seen,
 * so every page is an index range scan, never an OFFSET.
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) {
    throw invalidCursor();
  }
  return id;
}

/** The cursor that continues a listing after (below) `id`. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** Takes `limit + 1` rows, returns `limit` and a cursor if there was one more. */
export function toPage<T extends { id: string }, R>(rows: T[], limit: number, map: (row: T) => R): Page<R> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null,
  };
}

const ATTEMPT_CURSOR = /^attempt:(\d{1,9})$/;

/**
 * The attempts of an execution are keyed by their number, not by a UUID: their cursor is the last
 * number seen, and the next page starts after it (oldest first, as attempts are told).
 */
export function decodeAttemptCursor(cursor: string | undefined, path: string): number {
  if (cursor === undefined) {
    return 0;
  }
  const match = ATTEMPT_CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) {
    throw invalidCursor(path);
  }
  return Number(match[1]);
}

export function encodeAttemptCursor(attempt: number): string {
  return Buffer.from(`attempt:${attempt}`, 'utf8').toString('base64url');
}

/**
 * Listings keyed by an instant rather than an id (the occurrence ledger, by nominal time, newest
 * first): the cursor is the last instant seen.
 */
export function decodeTimeCursor(cursor: string | undefined): Date | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const date = new Date(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (Number.isNaN(date.getTime())) {
    throw invalidCursor();
  }
  return date;
}

export function encodeTimeCursor(instant: Date): string {
  return Buffer.from(instant.toISOString()).toString('base64url');
}

import { createHash } from 'node:crypto';

import { IdempotencyKeyReusedError, ValidationError } from '@meridian/domain';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A create's Idempotency-Key, with the fingerprint of the body it came with. */
export interface Idempotency {
  key: string;
  requestHash: string;
}

/** What an earlier create under the same key stored: the fingerprint of its body, and its answer. */
export interface EarlierCreate<T> {
  requestHash: string | null;
  answer(): Promise<T>;
}

/** Finds what an earlier create stored under a key, or null when the key is free. */
export type EarlierCreateLookup<T> = (key: string) => Promise<EarlierCreate<T> | null>;

/**
 * The Idempotency-Key header of a create with the fingerprint of its body; null without a header.
 * A key that is not 1 to 255 printable ASCII characters is a ValidationError.
 */
function readIdempotency(header: string | undefined, body: unknown): Idempotency | null {
  if (header === undefined) {
    return null;
  }
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new ValidationError([
      {
        path: 'header.Idempotency-Key',
        message: 'must be 1 to 255 printable ASCII characters',
        code: 'invalid_string',
      },
    ]);
  }
  return { key: header, requestHash: fingerprint(body) };
}

/** The key and fingerprint a create stores with what it makes (nulls without an Idempotency-Key). */
export function storedKey(idempotency: Idempotency | null): {
  idempotencyKey: string | null;
  requestHash: string | null;
} {
  return { idempotencyKey: idempotency?.key ?? null, requestHash: idempotency?.requestHash ?? null };
}

/** The steps of a create that an Idempotency-Key may cover; see {@link createIdempotently}. */
export interface IdempotentCreate<P, T> {
  /** The request's Idempotency-Key header. */
  idempotencyKey: string | undefined;
  body: unknown;
  /** Checks the body (throwing what is wrong with it) and returns what to store. */
  validate(): P;
  /** What an earlier create under a key stored, with its answer. */
  lookup: EarlierCreateLookup<T>;
  /** Stores; null when the key was taken meanwhile (a racing twin won). */
  store(planned: P, idempotency: Idempotency | null): Promise<T | null>;
}

/**
 * A create with an optional Idempotency-Key: the key is checked, then the body; an earlier create
 * with the same key and body is answered again without storing anything, one with another body is an
 * IdempotencyKeyReusedError (409). A create that loses the key to a racing twin answers as the twin.
 */
export async function createIdempotently<P, T>(create: IdempotentCreate<P, T>): Promise<T> {
  const idempotency = readIdempotency(create.idempotencyKey, create.body);
  const planned = create.validate();
  const earlier = await replayEarlier(idempotency, create.lookup);
  if (earlier !== null) {
    return earlier;
  }
  const created = await create.store(planned, idempotency);
  if (created !== null) {
    return created;
  }
  const winner = await replayEarlier(idempotency, create.lookup);
  if (winner === null) {
    throw new IdempotencyKeyReusedError(idempotency?.key ?? '');
  }
  return winner;
}

/**
 * The answer of the earlier create that took the key, replayed; null when there is no key or it is
 * free. The same key with another body is an IdempotencyKeyReusedError.
 */
async function replayEarlier<T>(idempotency: Idempotency | null, lookup: EarlierCreateLookup<T>): Promise<T | null> {
  if (idempotency === null) {
    return null;
  }
  const earlier = await lookup(idempotency.key);
  if (earlier === null) {
    return null;
  }
  if (earlier.requestHash !== idempotency.requestHash) {
    throw new IdempotencyKeyReusedError(idempotency.key);
  }
  return earlier.answer();
}

/** Fingerprint of a request body, independent of key order. */
function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

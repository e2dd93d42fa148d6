import type { z } from 'zod';

import { ValidationError } from './errors.js';

/**
 * Postgres cannot hold U+0000 or a lone UTF-16 surrogate inside a string, though JSON can. Input with it is refused (the
 * caller can fix it); output a handler produced is kept, with U+0000 replaced by U+FFFD, because
 * refusing to record an outcome would make the worker run the handler again.
 */
const NUL = '\u0000';

export const STORABLE_JSON_MESSAGE =
  'must not contain the NUL character (\\u0000) or a lone UTF-16 surrogate, which cannot be stored';

/** Whether Postgres can store `value` as it is: no NUL character and no lone surrogate in any string or key. */
export function isStorableJson(value: unknown): boolean {
  return !containsNul(value);
}

/** `schema`, refusing text or JSON that Postgres cannot store; for every field of a request that is stored or queried. */
export function storable<T extends z.ZodType>(schema: T) {
  return schema.refine((value) => isStorableJson(value), { message: STORABLE_JSON_MESSAGE });
}

export function assertStorableJson(value: unknown, path: string): void {
  if (containsNul(value)) {
    throw new ValidationError([{ path, message: STORABLE_JSON_MESSAGE, code: 'invalid_string' }]);
  }
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') {
    return value.includes(NUL) || !value.isWellFormed();
  }
  if (Array.isArray(value)) {
    return value.some(containsNul);
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes(NUL) || containsNul(item));
  }
  return false;
}

/** JSON text of `value` that jsonb accepts: NUL characters in strings and keys become U+FFFD. */
export function toStorableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) => {
    if (typeof item === 'string') {
      return item.toWellFormed().replaceAll(NUL, '\uFFFD');
    }
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(
        Object.entries(item).map(([key, entry]) => [key.toWellFormed().replaceAll(NUL, '\uFFFD'), entry]),
      );
    }
    return item;
  });
}

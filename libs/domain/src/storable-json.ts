import { ValidationError } from './errors.js';

/**
 * Postgres jsonb cannot hold U+0000 inside a string, though JSON can. Input with it is refused (the
 * caller can fix it); output a handler produced is kept, with U+0000 replaced by U+FFFD, because
 * refusing to record an outcome would make the worker run the handler again.
 */
const NUL = '\u0000';

export function assertStorableJson(value: unknown, path: string): void {
  if (JSON.stringify(value ?? null).includes('\\u0000')) {
    throw new ValidationError([
      { path, message: 'must not contain the NUL character (\\u0000), which cannot be stored', code: 'invalid_string' },
    ]);
  }
}

/** JSON text of `value` that jsonb accepts: NUL characters in strings and keys become U+FFFD. */
export function toStorableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    typeof item === 'string' ? item.replaceAll(NUL, '\uFFFD') : item,
  ).replaceAll('\\u0000', '\\ufffd');
}

/**
 * What a handler leaves behind (its result, or the error of a failed attempt) is history, not
 * storage: a value over its cap is replaced by a note saying that it was cut and how large it was.
 * Every attempt keeps its own error, so an uncapped error would be stored once per attempt.
 */
export interface TruncatedOutput {
  truncated: true;
  /** Size of the value as UTF-8 JSON. */
  sizeBytes: number;
  limitBytes: number;
}

/** `value` (null for undefined) if its JSON fits in `limitBytes`, else the note that replaces it. */
export function capStoredOutput(value: unknown, limitBytes: number): unknown {
  const sizeBytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
  if (sizeBytes <= limitBytes) {
    return value ?? null;
  }
  return { truncated: true, sizeBytes, limitBytes } satisfies TruncatedOutput;
}

/**
 * A failed attempt's error within `limitBytes`: its `details` capped as a result is, and a `message`
 * over the cap cut to it with a note of its size. `code`, `name` and the other fields stay.
 */
export function capStoredError(error: Record<string, unknown>, limitBytes: number): Record<string, unknown> {
  const capped: Record<string, unknown> = { ...error };
  if ('details' in error) {
    capped.details = capStoredOutput(error.details, limitBytes);
  }
  if (typeof error.message === 'string') {
    capped.message = capMessage(error.message, limitBytes);
  }
  return capped;
}

function capMessage(message: string, limitBytes: number): string {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= limitBytes) {
    return message;
  }
  // Cut on a character boundary: a partial UTF-8 sequence at the end decodes to U+FFFD, dropped here.
  const kept = bytes
    .subarray(0, limitBytes)
    .toString('utf8')
    .replace(/\uFFFD$/u, '');
  return `${kept}… [truncated: ${bytes.length} bytes, limit ${limitBytes}]`;
}

import { createHash } from 'node:crypto';

/**
 * A delay in [0, jitterMs] for one occurrence, derived from its key: spread across occurrences and
 * jobs, yet the same every time it is computed, so a re-created execution runs at the same moment.
 */
export function jitterOffset(key: string, jitterMs: number): number {
  if (jitterMs <= 0) {
    return 0;
  }
  const hash = createHash('sha256').update(key).digest();
  return hash.readUInt32BE(0) % (jitterMs + 1);
}

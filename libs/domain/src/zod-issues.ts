import type { z } from 'zod';

import type { FieldIssue } from './errors.js';

/**
 * zod's issues as field-level problems with a dotted path ("retry.backoff.delayMs"). An unknown
 * field is reported at its own path, one issue per field.
 */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const base = [prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: join([...base, key]),
        message: 'is not a known field',
        code: issue.code,
      }));
    }
    return [{ path: join(base), message: issue.message, code: issue.code }];
  });
}

function join(parts: string[]): string {
  const path = parts.filter((part) => part !== '').join('.');
  return path === '' ? '(root)' : path;
}

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

/**
 * The same issues, placed under `prefix`: `payload.url` under `jobs[3]` is `jobs[3].payload.url`, an
 * index `[0]` is `jobs[3][0]`, and the root `(root)` is `jobs[3]` itself. Requests that hold many items
 * report each item's problems this way.
 */
export function prefixIssues(issues: readonly FieldIssue[], prefix: string): FieldIssue[] {
  return issues.map((issue) => ({ ...issue, path: prefixPath(prefix, issue.path) }));
}

function prefixPath(prefix: string, path: string): string {
  return path === '(root)' || path === '' ? prefix : path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function join(parts: string[]): string {
  const path = parts.filter((part) => part !== '').join('.');
  return path === '' ? '(root)' : path;
}

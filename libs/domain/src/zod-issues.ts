import type { z } from 'zod';

import type { FieldIssue } from './errors.js';

/** zod's issues as field-level problems, with a dotted path ("retry.backoff.delayMs"). */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return { path: path === '' ? '(root)' : path, message: issue.message, code: issue.code };
  });
}

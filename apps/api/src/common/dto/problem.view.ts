import { ErrorCode } from '@meridian/domain';
import { z } from 'zod';

/** One field at fault in a refused request. */
export const fieldIssueViewSchema = z
  .object({
    path: z.string().describe('Where: `name`, `retry.backoff.delayMs`, `jobs[3].handler`, `query.limit`'),
    message: z.string(),
    code: z.string().describe('What kind of problem, e.g. invalid_type, too_big, unrecognized_keys'),
  })
  .describe('A field of the request at fault');

/** Every error the API answers: RFC 9457 problem details, with Meridian's stable `code` (see problem.ts). */
export const problemViewSchema = z
  .object({
    type: z.string().describe('Problem type URI, e.g. /problems/validation-failed'),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string().describe('What went wrong, for a person'),
    code: z
      .enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]])
      .describe('Stable machine-readable error code: branch on this, not on detail'),
    instance: z.string().optional().describe('The path of the request'),
    errors: z.array(fieldIssueViewSchema).optional().describe('Validation failures: every field at fault (up to 100)'),
  })
  .describe('RFC 9457 problem details');

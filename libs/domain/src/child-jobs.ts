import { z } from 'zod';

import { type FieldIssue, ValidationError } from './errors.js';
import type { ExecutionStatus } from './execution-status.js';
import { type JobSpec, type JobSpecLimits, parseJobSpec } from './job-request.js';
import { prefixIssues, toFieldIssues } from './zod-issues.js';

/**
 * What a parent does when one of the children it started ends DEAD or CANCELLED:
 * - `fail_parent`: the unfinished siblings are cancelled at once, and the parent fails for good
 *   (`children_failed`) without its handler being invoked again;
 * - `ignore_failed`: the handler is invoked once all have ended, with the succeeded children only;
 * - `partial`: the handler is invoked once all have ended, with every child's outcome.
 */
export const CHILD_FAILURE_POLICIES = ['fail_parent', 'ignore_failed', 'partial'] as const;
export type ChildFailurePolicy = (typeof CHILD_FAILURE_POLICIES)[number];
export const DEFAULT_CHILD_FAILURE_POLICY: ChildFailurePolicy = 'fail_parent';

/** Most children one call of `ctx.children.start` may start. */
export const MAX_CHILDREN_PER_CALL = 10_000;

/** A step names the call site that started children; a handler may fan out in several steps. */
export const CHILD_STEP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** The statuses a child ends in, as its parent sees them. */
export type ChildEndStatus = Extract<ExecutionStatus, 'SUCCEEDED' | 'DEAD' | 'CANCELLED' | 'SKIPPED'>;

/**
 * One child as a handler gives it to `ctx.children.start`: a job specification without timing or
 * dependencies (a child runs as soon as it is started, in its parent's namespace).
 */
export const childJobSpecSchema = z.strictObject({
  handler: z.string(),
  payload: z.unknown().optional(),
  name: z.string().optional(),
  queue: z.string().optional(),
  priority: z.number().optional(),
  timeoutMs: z.number().optional(),
  retry: z.unknown().optional(),
});
export type ChildJobRequest = z.input<typeof childJobSpecSchema>;

const startOptionsSchema = z.strictObject({
  step: z.string().regex(CHILD_STEP_PATTERN, 'must be 1 to 100 letters, digits, "_", ".", ":" or "-"'),
  onChildFailure: z.enum(CHILD_FAILURE_POLICIES).default(DEFAULT_CHILD_FAILURE_POLICY),
  children: z.array(z.unknown()).min(1).max(MAX_CHILDREN_PER_CALL),
});

/** A call of `ctx.children.start`, validated: each child a job spec as a create would make it. */
export interface ChildrenRequest {
  step: string;
  onChildFailure: ChildFailurePolicy;
  specs: JobSpec[];
}

/**
 * Validates a call of `ctx.children.start` the way `POST /v1/jobs` validates a create (through
 * {@link parseJobSpec}), each child's problems under `children[i]`. A child takes no `runAt`,
 * `delayMs`, `schedule` or `dependsOn`; its name defaults to `<step>[<index>]`. What depends on the
 * deployment (the handler is registered, the queue is served) is the caller's to check, as for a create.
 */
export function parseChildrenRequest(
  input: { step: unknown; children: unknown; onChildFailure?: unknown },
  limits: JobSpecLimits,
  now: Date,
): ChildrenRequest {
  const parsed = startOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(root)',
        message: issue.message,
        code: issue.code,
      })),
      'The children to start are not valid.',
    );
  }
  const { step, onChildFailure, children } = parsed.data;
  const issues: FieldIssue[] = [];
  const specs: JobSpec[] = [];
  for (const [index, child] of children.entries()) {
    const shape = childJobSpecSchema.safeParse(child);
    try {
      if (!shape.success) {
        // A field a create takes but a child does not (runAt, schedule, dependsOn …) is unknown here.
        throw new ValidationError(toFieldIssues(shape.error));
      }
      specs.push(parseJobSpec({ name: `${step}[${index}]`, ...shape.data }, limits, now));
    } catch (error) {
      if (!(error instanceof ValidationError)) {
        throw error;
      }
      issues.push(...prefixIssues(error.issues, `children[${index}]`));
    }
  }
  if (issues.length > 0) {
    throw new ValidationError(issues.slice(0, 100), 'The children to start are not valid.');
  }
  return { step, onChildFailure, specs };
}

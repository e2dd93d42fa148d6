import { z } from 'zod';

import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import {
  DEPENDENCY_FAILURE_POLICIES,
  type DependencyFailurePolicy,
  JOB_DEPENDENCIES_CEILING,
  MAX_JOB_DEPENDENCIES,
} from './dependency-policy.js';
import { type FieldIssue, PayloadTooLargeError, ValidationError } from './errors.js';
import { instantSchema } from './instant.js';
import {
  type CatchUpPolicy,
  catchUpPolicySchema,
  DEFAULT_RECURRENCE_POLICY,
  type OverlapPolicy,
  overlapPolicySchema,
} from './recurrence-policy.js';
import { isStorableJson, storable, STORABLE_JSON_MESSAGE } from './storable-json.js';
import { toFieldIssues } from './zod-issues.js';

/** Farthest ahead a one-off job may be due, given as `delayMs` or as `runAt`. */
export const MAX_DELAY_MS = 366 * 24 * 3_600_000;
/** Longest single retry delay: a week (also keeps the stored value inside a 32-bit column). */
const MAX_BACKOFF_MS = 7 * 24 * 3_600_000;

/** Deepest payload accepted: recursive validation and serialization stay far from the stack limit. */
export const MAX_PAYLOAD_DEPTH = 64;

/** How deeply arrays and objects nest in `value`; iterative, so any depth is measured safely. */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item !== null && typeof item === 'object') {
      deepest = Math.max(deepest, depth + 1);
      for (const child of Object.values(item)) {
        stack.push([child, depth + 1]);
      }
    }
  }
  return deepest;
}

export const QUEUE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const HANDLER_NAME_PATTERN = /^[a-z][a-z0-9_.-]{0,99}$/;

/** Bounds on the create request that depend on deployment settings. */
export interface JobSpecLimits {
  /** Largest accepted `payload`, as UTF-8 JSON. @defaultValue 262_144 */
  maxPayloadBytes: number;
  /** How far in the past `runAt` may be (clock skew, slow clients) before it is refused. @defaultValue 60_000 */
  runAtPastToleranceMs: number;
  /**
   * Most dependencies of one job (`dependsOn`), on its own or as a workflow's node: the fan-in whose
   * results one worker may load for one run. @defaultValue MAX_JOB_DEPENDENCIES (100)
   */
  maxDependencies?: number;
}

/** A job's `dependsOn` over the fan-in cap, as the issue that names it at `path`; null within the cap. */
export function fanInIssue(count: number, limits: JobSpecLimits, path: string): FieldIssue | null {
  const max = limits.maxDependencies ?? MAX_JOB_DEPENDENCIES;
  return count <= max
    ? null
    : {
        path,
        message: `${count} dependencies; a job may depend on at most ${max} (JOB_MAX_DEPENDENCIES)`,
        code: 'too_big',
      };
}

/**
 * The fields a job has wherever it is written (create, batch create, workflow nodes, PATCH): one
 * schema each, so that the routes cannot check the same field differently. The payload's size cap
 * depends on the deployment and is checked apart, by {@link checkPayloadSize}.
 */
export const jobNameSchema = storable(z.string().trim().min(1).max(200)).describe('Human-readable name; filterable.');

export const jobPayloadSchema = z
  .unknown()
  .superRefine((payload, ctx) => {
    // Depth first: a deeply nested payload is refused before anything walks it recursively.
    if (nestingDepth(payload) > MAX_PAYLOAD_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `must not be nested more than ${MAX_PAYLOAD_DEPTH} levels deep` });
    } else if (!isStorableJson(payload)) {
      ctx.addIssue({ code: 'custom', message: STORABLE_JSON_MESSAGE });
    }
  })
  .describe('Input of the handler. For "http": {url, method, headers, body}.');

export const jobScheduleSchema = storable(z.record(z.string(), z.unknown())).describe(
  'Makes the job recurring: {cron, timezone} or {every} / {everyMs}, with startAt, endAt, limit, jitterMs, dst',
);

/** A payload over `maxPayloadBytes` as UTF-8 JSON is a 413, not a 400: the request is too large, not wrong. */
export function checkPayloadSize(payload: unknown, limits: Pick<JobSpecLimits, 'maxPayloadBytes'>): void {
  if (Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8') > limits.maxPayloadBytes) {
    throw new PayloadTooLargeError(limits.maxPayloadBytes, 'payload');
  }
}

export const backoffSchema = z
  .strictObject({
    type: z.enum(['exponential', 'fixed']).default('exponential'),
    delayMs: z.int().min(0).max(MAX_BACKOFF_MS).default(DEFAULT_RETRY_POLICY.backoffDelayMs),
    maxDelayMs: z.int().min(0).max(MAX_BACKOFF_MS).default(DEFAULT_RETRY_POLICY.backoffMaxDelayMs),
    jitter: z.number().min(0).max(1).default(DEFAULT_RETRY_POLICY.backoffJitter),
  })
  .refine((b) => b.maxDelayMs >= b.delayMs, { message: 'maxDelayMs must be at least delayMs', path: ['maxDelayMs'] });

export const retrySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(100).default(DEFAULT_RETRY_POLICY.maxAttempts),
  backoff: backoffSchema.optional(),
});

/** The body of `POST /v1/jobs`. Unknown fields are refused, so a typo never silently changes meaning. */
export const createJobRequestSchema = z
  .strictObject({
    name: jobNameSchema,
    handler: z
      .string()
      .regex(HANDLER_NAME_PATTERN, 'must be a handler name such as "http" or "noop"')
      .describe('"http" or the name of a registered code handler.'),
    // Any JSON value (the body was parsed as JSON); the handler's own schema validates it next.
    payload: jobPayloadSchema.default({}),
    runAt: instantSchema.optional().describe('ISO 8601 instant to run at. Excludes delayMs.'),
    delayMs: z.int().min(0).max(MAX_DELAY_MS).optional().describe('Run this many ms after creation. Excludes runAt.'),
    retry: retrySchema.optional(),
    timeoutMs: z.int().min(1).max(86_400_000).default(300_000).describe('Per-attempt timeout.'),
    priority: z.int().min(0).max(1000).default(0).describe('0 (default) to 1000; higher runs first.'),
    queue: z.string().regex(QUEUE_NAME_PATTERN, 'must be lower-case letters, digits, "-" or "_"').default('default'),
    schedule: jobScheduleSchema.optional(),
    overlap: overlapPolicySchema.optional(),
    catchUp: catchUpPolicySchema.optional(),
    dependsOn: z
      .array(z.union([z.uuid(), z.strictObject({ id: z.uuid(), onFailure: z.enum(DEPENDENCY_FAILURE_POLICIES) })]))
      .max(JOB_DEPENDENCIES_CEILING)
      .optional()
      .describe(
        'Ids of existing jobs that must end first (or {id, onFailure}), at most JOB_MAX_DEPENDENCIES (100 unless configured); the job then waits as BLOCKED',
      ),
  })
  .refine((body) => body.schedule === undefined || body.dependsOn === undefined, {
    message: 'a recurring job cannot depend on other jobs',
    path: ['dependsOn'],
  })
  .refine(
    (body) => {
      const ids = (body.dependsOn ?? []).map((item) => (typeof item === 'string' ? item : item.id));
      return new Set(ids).size === ids.length;
    },
    { message: 'lists a job twice', path: ['dependsOn'] },
  )
  .refine((body) => body.runAt === undefined || body.delayMs === undefined, {
    message: 'give either runAt or delayMs, not both',
    path: ['delayMs'],
  })
  .refine((body) => body.schedule === undefined || (body.runAt === undefined && body.delayMs === undefined), {
    message: 'a recurring job takes startAt in its schedule, not runAt or delayMs',
    path: ['schedule'],
  })
  .superRefine((body, ctx) => {
    if (body.schedule !== undefined) {
      return;
    }
    for (const field of ['overlap', 'catchUp'] as const) {
      if (body[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} applies to recurring jobs (with a schedule) only`,
        });
      }
    }
  });

export type CreateJobRequest = z.input<typeof createJobRequestSchema>;

/** A validated, normalised job definition, ready to be stored. */
export interface JobSpec {
  name: string;
  handler: string;
  payload: unknown;
  queue: string;
  priority: number;
  runAt: Date | null;
  /** When the first execution is due. */
  scheduledFor: Date;
  retry: RetryPolicy;
  timeoutMs: number;
  /** Recurring jobs only; the schedule itself is validated by @meridian/schedule. */
  /** Existing jobs this one waits for, with each edge's policy (`skip` unless given). */
  dependsOn: { jobId: string; onFailure: DependencyFailurePolicy }[];
  recurrence: {
    schedule: Record<string, unknown>;
    overlap: OverlapPolicy;
    catchUp: CatchUpPolicy;
  } | null;
}

/**
 * Validates a create request and fills in defaults. Handler- and queue-specific checks happen in the
 * caller, which knows the catalog and the configured queues.
 */
export function parseJobSpec(body: unknown, limits: JobSpecLimits, now: Date): JobSpec {
  const parsed = createJobRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(toFieldIssues(parsed.error));
  }
  const request = parsed.data;
  const fanIn = fanInIssue(request.dependsOn?.length ?? 0, limits, 'dependsOn');
  if (fanIn !== null) {
    throw new ValidationError([fanIn]);
  }
  checkPayloadSize(request.payload, limits);
  const runAt = request.runAt === undefined ? null : new Date(request.runAt);
  if (runAt !== null && runAt.getTime() < now.getTime() - limits.runAtPastToleranceMs) {
    throw new ValidationError([
      {
        path: 'runAt',
        message: `must not be more than ${limits.runAtPastToleranceMs} ms in the past`,
        code: 'too_small',
      },
    ]);
  }
  if (runAt !== null && runAt.getTime() > now.getTime() + MAX_DELAY_MS) {
    throw new ValidationError([
      { path: 'runAt', message: `must not be more than ${MAX_DELAY_MS / 86_400_000} days ahead`, code: 'too_big' },
    ]);
  }
  const scheduledFor = runAt ?? new Date(now.getTime() + (request.delayMs ?? 0));
  const backoff = request.retry?.backoff;
  return {
    name: request.name,
    handler: request.handler,
    payload: request.payload,
    queue: request.queue,
    priority: request.priority,
    runAt,
    scheduledFor,
    timeoutMs: request.timeoutMs,
    dependsOn: (request.dependsOn ?? []).map((item) =>
      typeof item === 'string' ? { jobId: item, onFailure: 'skip' } : { jobId: item.id, onFailure: item.onFailure },
    ),
    recurrence:
      request.schedule === undefined
        ? null
        : {
            schedule: request.schedule,
            overlap: request.overlap ?? DEFAULT_RECURRENCE_POLICY.overlap,
            catchUp: request.catchUp ?? { ...DEFAULT_RECURRENCE_POLICY.catchUp },
          },
    retry: {
      maxAttempts: request.retry?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      backoffType: backoff?.type === 'fixed' ? 'FIXED' : 'EXPONENTIAL',
      backoffDelayMs: backoff?.delayMs ?? DEFAULT_RETRY_POLICY.backoffDelayMs,
      backoffMaxDelayMs: backoff?.maxDelayMs ?? DEFAULT_RETRY_POLICY.backoffMaxDelayMs,
      backoffJitter: backoff?.jitter ?? DEFAULT_RETRY_POLICY.backoffJitter,
    },
  };
}

/** The body of `PATCH /v1/jobs/:id`: every field optional, each checked as on create. */
export const updateJobRequestSchema = z.strictObject({
  name: jobNameSchema.optional(),
  payload: jobPayloadSchema.optional(),
  schedule: jobScheduleSchema.optional().describe('Replaces the whole schedule'),
  overlap: overlapPolicySchema.optional(),
  catchUp: catchUpPolicySchema.optional(),
});

export type JobUpdate = z.output<typeof updateJobRequestSchema>;

/**
 * Validates a change of a recurring job as a create validates the same fields. The schedule itself
 * and the payload against its handler are checked by the caller, as on create.
 */
export function parseJobUpdate(body: unknown, limits: Pick<JobSpecLimits, 'maxPayloadBytes'>): JobUpdate {
  const parsed = updateJobRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(toFieldIssues(parsed.error));
  }
  if (parsed.data.payload !== undefined) {
    checkPayloadSize(parsed.data.payload, limits);
  }
  return parsed.data;
}

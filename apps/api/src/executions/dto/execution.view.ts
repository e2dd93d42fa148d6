import type { AttemptRecord, ExecutionRecord } from '@meridian/db';
import { AttemptOutcome, EXECUTION_STATUSES, type ExecutionStatus } from '@meridian/domain';
import { z } from 'zod';

const iso = z.iso.datetime();

/** Where an execution is in its life; the status of a job is its latest execution's. */
export const executionStatusSchema = z
  .enum(EXECUTION_STATUSES as [ExecutionStatus, ...ExecutionStatus[]])
  .describe('Where an execution is in its life. SUCCEEDED, DEAD, CANCELLED and SKIPPED are final.');

export const attemptOutcomeSchema = z
  .enum(Object.values(AttemptOutcome) as [AttemptOutcome, ...AttemptOutcome[]])
  .describe('How an attempt ended; RUNNING while it runs.');

/**
 * The error a failed attempt (and its execution's `lastError`) records: what the worker stores
 * (serializeError, capStoredError), `final` once no attempt follows. Other fields a handler's error
 * carried are kept, so the object is open.
 */
export const attemptErrorSchema = z
  .looseObject({
    code: z.string().describe('Stable code, e.g. handler_failed, handler_timed_out, http_status, dependency_failed'),
    message: z.string().describe('Cut to WORKER_ERROR_MAX_BYTES, with a note of its size'),
    name: z.string().optional().describe("The class of a handler's own error"),
    details: z.unknown().optional().describe('What the handler attached, e.g. an http response status and body'),
    final: z
      .enum(['exhausted', 'non_retryable'])
      .optional()
      .describe('Set on the last attempt: no retries left, or an error that no retry can fix'),
  })
  .describe('Why an attempt failed');
export type AttemptErrorView = z.infer<typeof attemptErrorSchema>;

export const attemptViewSchema = z.object({
  attempt: z.int().min(1),
  outcome: attemptOutcomeSchema,
  workerId: z.string(),
  startedAt: iso,
  finishedAt: iso.nullable(),
  durationMs: z.int().min(0).nullable(),
  error: attemptErrorSchema.nullable().describe('null unless the attempt failed or timed out'),
  retryDelayMs: z.int().min(0).nullable().describe('Backoff chosen after this attempt failed.'),
});

/** An execution without its attempts: as lists and a job's `latestExecution` show it. */
export const executionSummaryViewSchema = z.object({
  id: z.uuid(),
  jobId: z.uuid(),
  status: executionStatusSchema,
  attempt: z.int().min(0).describe('Number of the latest attempt; 0 before the first one starts.'),
  scheduledFor: iso,
  nominalTime: iso.nullable().describe('Recurring jobs: the occurrence this execution runs'),
  queuedAt: iso.nullable(),
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  nextAttemptAt: iso.nullable(),
  workerId: z.string().nullable(),
  result: z.unknown().describe("The handler's return value (any JSON) once SUCCEEDED, else null"),
  lastError: attemptErrorSchema.nullable().describe("The latest failed attempt's error; null if none failed"),
  parkedAt: iso
    .nullable()
    .describe('Since when its running attempt waits for the child jobs its handler started; null otherwise'),
  createdAt: iso,
  updatedAt: iso,
});
export type ExecutionSummaryView = z.infer<typeof executionSummaryViewSchema>;

/** An execution with one page of its attempts: `GET /v1/executions/:id` and a retry's answer. */
export const executionViewSchema = executionSummaryViewSchema.extend({
  attempts: z
    .array(attemptViewSchema)
    .describe('One page of the attempts, oldest first: `attemptsLimit` of them (default 20, at most 100)'),
  attemptsNextCursor: z
    .string()
    .nullable()
    .describe('Pass as `attemptsCursor` to read the attempts that follow; null after the last'),
});
export type ExecutionView = z.infer<typeof executionViewSchema>;

export const executionPageSchema = z.object({
  items: z.array(executionSummaryViewSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null after the last'),
});

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

/** An execution as lists show it, or with a page of its attempts when they are given. */
export function toExecutionView(execution: ExecutionRecord): ExecutionSummaryView;
export function toExecutionView(
  execution: ExecutionRecord,
  attempts: { items: AttemptRecord[]; nextCursor: string | null },
): ExecutionView;
export function toExecutionView(
  execution: ExecutionRecord,
  attempts?: { items: AttemptRecord[]; nextCursor: string | null },
): ExecutionSummaryView | ExecutionView {
  return {
    id: execution.id,
    jobId: execution.jobId,
    status: execution.status,
    attempt: execution.attempt,
    scheduledFor: execution.scheduledFor.toISOString(),
    nominalTime: isoOrNull(execution.nominalTime),
    queuedAt: isoOrNull(execution.queuedAt),
    startedAt: isoOrNull(execution.startedAt),
    finishedAt: isoOrNull(execution.finishedAt),
    nextAttemptAt: isoOrNull(execution.nextAttemptAt),
    workerId: execution.workerId,
    result: execution.result ?? null,
    lastError: (execution.lastError ?? null) as AttemptErrorView | null,
    parkedAt: isoOrNull(execution.parkedAt),
    createdAt: execution.createdAt.toISOString(),
    updatedAt: execution.updatedAt.toISOString(),
    ...(attempts === undefined
      ? {}
      : {
          attemptsNextCursor: attempts.nextCursor,
          attempts: attempts.items.map((attempt) => ({
            attempt: attempt.attempt,
            outcome: attempt.outcome,
            workerId: attempt.workerId,
            startedAt: attempt.startedAt.toISOString(),
            finishedAt: isoOrNull(attempt.finishedAt),
            durationMs: attempt.durationMs,
            error: (attempt.error ?? null) as AttemptErrorView | null,
            retryDelayMs: attempt.retryDelayMs,
          })),
        }),
  };
}

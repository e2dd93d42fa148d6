import type { AttemptRecord, ExecutionRecord } from '@meridian/db';
import { EXECUTION_STATUSES } from '@meridian/domain';
import { z } from 'zod';

const iso = z.iso.datetime();

export const attemptViewSchema = z.object({
  attempt: z.int(),
  outcome: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'INTERRUPTED']),
  workerId: z.string(),
  startedAt: iso,
  finishedAt: iso.nullable(),
  durationMs: z.int().nullable(),
  error: z.unknown(),
  retryDelayMs: z.int().nullable().describe('Backoff chosen after this attempt failed.'),
});

export const executionViewSchema = z.object({
  id: z.uuid(),
  jobId: z.uuid(),
  status: z.enum(EXECUTION_STATUSES as [string, ...string[]]),
  attempt: z.int().describe('Number of the latest attempt; 0 before the first one starts.'),
  scheduledFor: iso,
  nominalTime: iso.nullable().describe('Recurring jobs: the occurrence this execution runs'),
  queuedAt: iso.nullable(),
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  nextAttemptAt: iso.nullable(),
  workerId: z.string().nullable(),
  result: z.unknown(),
  lastError: z.unknown(),
  createdAt: iso,
  updatedAt: iso,
  attempts: z
    .array(attemptViewSchema)
    .optional()
    .describe('One page of the attempts, oldest first: `attemptsLimit` of them (default 20, at most 100)'),
  attemptsNextCursor: z
    .string()
    .nullable()
    .optional()
    .describe('Pass as `attemptsCursor` to read the attempts that follow; null after the last'),
});
export type ExecutionView = z.infer<typeof executionViewSchema>;

export const executionPageSchema = z.object({ items: z.array(executionViewSchema), nextCursor: z.string().nullable() });

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

export function toExecutionView(
  execution: ExecutionRecord,
  attempts?: { items: AttemptRecord[]; nextCursor: string | null },
): ExecutionView {
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
    lastError: execution.lastError ?? null,
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
            error: attempt.error ?? null,
            retryDelayMs: attempt.retryDelayMs,
          })),
        }),
  };
}

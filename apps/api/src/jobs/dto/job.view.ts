import type { ExecutionRecord, JobRecord } from '@meridian/db';
import { CATCH_UP_POLICIES, EXECUTION_STATUSES, OVERLAP_POLICIES } from '@meridian/domain';
import { z } from 'zod';

import { executionViewSchema, toExecutionView } from '../../executions/dto/execution.view.js';

export const jobViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  handler: z.string(),
  status: z.enum(EXECUTION_STATUSES as [string, ...string[]]).describe("Status of the job's latest execution."),
  queue: z.string(),
  priority: z.int(),
  payload: z.unknown(),
  runAt: z.iso.datetime().nullable(),
  timeoutMs: z.int(),
  retry: z.object({
    maxAttempts: z.int(),
    backoff: z.object({
      type: z.enum(['exponential', 'fixed']),
      delayMs: z.int(),
      maxDelayMs: z.int(),
      jitter: z.number(),
    }),
  }),
  idempotencyKey: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  latestExecution: executionViewSchema.nullable().optional(),
  schedule: z
    .object({
      definition: z.record(z.string(), z.unknown()).describe('The schedule as given at create time'),
      state: z.enum(['ACTIVE', 'PAUSED', 'COMPLETED']),
      pausedUntil: z.iso.datetime().nullable(),
      pauseNote: z.string().nullable(),
      nextRunAt: z.iso.datetime().nullable().describe('Nominal time of the next occurrence'),
      occurrences: z.int().describe('Occurrences handled so far'),
      overlap: z.enum(OVERLAP_POLICIES),
      catchUp: z.object({ policy: z.enum(CATCH_UP_POLICIES), windowMs: z.int(), max: z.int() }),
    })
    .nullable(),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** The answer of a create with `Prefer: return=minimal`. */
export const minimalJobViewSchema = jobViewSchema.pick({ id: true, status: true });
export type MinimalJobView = z.infer<typeof minimalJobViewSchema>;

export const jobBatchViewSchema = z.object({
  jobs: z.array(z.union([jobViewSchema, minimalJobViewSchema])).describe('In request order'),
});
export type JobBatchView = z.infer<typeof jobBatchViewSchema>;

export const jobPageSchema = z.object({ items: z.array(jobViewSchema), nextCursor: z.string().nullable() });

export function toJobView(job: JobRecord, latestExecution?: ExecutionRecord | null): JobView {
  const view: JobView = {
    id: job.id,
    name: job.name,
    handler: job.handler,
    status: job.status,
    queue: job.queue,
    priority: job.priority,
    payload: job.payload,
    runAt: job.runAt?.toISOString() ?? null,
    timeoutMs: job.timeoutMs,
    retry: {
      maxAttempts: job.retry.maxAttempts,
      backoff: {
        type: job.retry.backoffType === 'FIXED' ? 'fixed' : 'exponential',
        delayMs: job.retry.backoffDelayMs,
        maxDelayMs: job.retry.backoffMaxDelayMs,
        jitter: job.retry.backoffJitter,
      },
    },
    idempotencyKey: job.idempotencyKey,
    schedule:
      job.recurrence === null
        ? null
        : {
            definition: job.recurrence.schedule.definition,
            state: job.recurrence.state,
            pausedUntil: job.recurrence.pausedUntil?.toISOString() ?? null,
            pauseNote: job.recurrence.pauseNote,
            nextRunAt: job.recurrence.nextRunAt?.toISOString() ?? null,
            occurrences: job.recurrence.occurrenceCount,
            overlap: job.recurrence.overlap,
            catchUp: { ...job.recurrence.catchUp },
          },
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
  if (latestExecution !== undefined) {
    view.latestExecution = latestExecution === null ? null : toExecutionView(latestExecution);
  }
  return view;
}

export function toMinimalJobView(job: JobRecord): MinimalJobView {
  return { id: job.id, status: job.status };
}

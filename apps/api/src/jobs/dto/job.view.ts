import type { ExecutionRecord, JobRecord } from '@meridian/db';
import { CATCH_UP_POLICIES, overlapPolicySchema } from '@meridian/domain';
import { z } from 'zod';

import {
  executionStatusSchema,
  executionSummaryViewSchema,
  toExecutionView,
} from '../../executions/dto/execution.view.js';
import { type ScheduleDefinition, scheduleSchema } from '../../schedules/dto/schedule.dto.js';

/** A recurring job's schedule, as given, with where it stands. */
export const scheduleStateViewSchema = z.object({
  definition: scheduleSchema.describe('The schedule as given at create time or by the last change'),
  state: z.enum(['ACTIVE', 'PAUSED', 'COMPLETED']).describe('COMPLETED once endAt or limit is reached'),
  pausedUntil: z.iso.datetime().nullable().describe('A pause with `until` resumes by itself then'),
  pauseNote: z.string().nullable(),
  nextRunAt: z.iso.datetime().nullable().describe('Nominal time of the next occurrence'),
  occurrences: z.int().min(0).describe('Occurrences handled so far'),
  overlap: overlapPolicySchema,
  catchUp: z.object({
    policy: z.enum(CATCH_UP_POLICIES),
    windowMs: z.int().min(0),
    max: z.int().min(1),
  }),
});

/** Where a child job comes from: the job whose handler started it, in which execution, step and place. */
export const childOfViewSchema = z
  .object({
    jobId: z.uuid().describe('The parent job'),
    executionId: z.uuid().describe('The execution of the parent whose handler started this child'),
    step: z.string().describe('The step that started it (the first argument of ctx.children.start)'),
    index: z.int().min(0).describe('Its place in the list given to that call'),
  })
  .describe('The parent of a child job');

/** A job without its latest execution: as lists, changes, pauses and cancels answer it. */
export const jobSummaryViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  handler: z.string(),
  status: executionStatusSchema.describe("Status of the job's latest execution."),
  queue: z.string(),
  priority: z.int().min(0).max(1000),
  payload: z.unknown().describe('Input of the handler, as given (any JSON)'),
  runAt: z.iso.datetime().nullable(),
  timeoutMs: z.int().min(1),
  retry: z.object({
    maxAttempts: z.int().min(1),
    backoff: z.object({
      type: z.enum(['exponential', 'fixed']),
      delayMs: z.int().min(0),
      maxDelayMs: z.int().min(0),
      jitter: z.number().min(0).max(1),
    }),
  }),
  idempotencyKey: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  schedule: scheduleStateViewSchema.nullable().describe('null for a one-off job'),
  parent: childOfViewSchema.nullable().describe('For a child job, its parent; null for any other job'),
});
export type JobSummaryView = z.infer<typeof jobSummaryViewSchema>;

/** A job with its latest execution: `GET /v1/jobs/:id` and a create's answer. */
export const jobViewSchema = jobSummaryViewSchema.extend({
  latestExecution: executionSummaryViewSchema
    .nullable()
    .describe('null while a recurring job has had no occurrence yet'),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** The answer of a create with `Prefer: return=minimal`. */
export const minimalJobViewSchema = jobSummaryViewSchema
  .pick({ id: true, status: true })
  .describe('A created job as `Prefer: return=minimal` answers it');
export type MinimalJobView = z.infer<typeof minimalJobViewSchema>;

/** A created job: the whole job, or only its id and status with `Prefer: return=minimal`. */
export const createdJobViewSchema = z.union([jobViewSchema, minimalJobViewSchema]);

export const jobBatchViewSchema = z.object({
  jobs: z.array(createdJobViewSchema).describe('In request order'),
});
export type JobBatchView = z.infer<typeof jobBatchViewSchema>;

export const jobPageSchema = z.object({
  items: z.array(jobSummaryViewSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null after the last'),
});

/** A job as lists show it, or with its latest execution when it is given (null: none yet). */
export function toJobView(job: JobRecord): JobSummaryView;
export function toJobView(job: JobRecord, latestExecution: ExecutionRecord | null): JobView;
export function toJobView(job: JobRecord, latestExecution?: ExecutionRecord | null): JobSummaryView | JobView {
  const view: JobSummaryView = {
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
            definition: job.recurrence.schedule.definition as ScheduleDefinition,
            state: job.recurrence.state,
            pausedUntil: job.recurrence.pausedUntil?.toISOString() ?? null,
            pauseNote: job.recurrence.pauseNote,
            nextRunAt: job.recurrence.nextRunAt?.toISOString() ?? null,
            occurrences: job.recurrence.occurrenceCount,
            overlap: job.recurrence.overlap,
            catchUp: { ...job.recurrence.catchUp },
          },
    parent: job.parent === null ? null : { ...job.parent },
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
  if (latestExecution === undefined) {
    return view;
  }
  return { ...view, latestExecution: latestExecution === null ? null : toExecutionView(latestExecution) };
}

export function toMinimalJobView(job: JobRecord): MinimalJobView {
  return { id: job.id, status: job.status };
}

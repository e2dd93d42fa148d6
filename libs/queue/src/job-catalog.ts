import type { ExecutionDispatch } from '@meridian/domain';
import { z } from 'zod';

/** Names of the BullMQ jobs Meridian enqueues. Dotted values, never class names. */
export const JobName = {
  ExecutionRun: 'execution.run',
  ScheduleTick: 'schedule.tick',
} as const;

/**
 * The scheduler's own queue of recurring-job ticks. Its leading underscore keeps it apart from user
 * queues, whose names must start with a letter or digit.
 */
export const TICK_QUEUE = '_ticks';
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Name of the custom BullMQ backoff strategy; the worker computes the delay with the domain's backoff math. */
export const MERIDIAN_BACKOFF = 'meridian';

const executionRunData = z.object({
  executionId: z.uuid(),
  jobId: z.uuid(),
  namespace: z.string(),
  handler: z.string(),
  payload: z.unknown(),
  queue: z.string(),
  priority: z.int(),
  timeoutMs: z.int().positive(),
  scheduledFor: z.iso.datetime({ offset: true }),
  // Optional: jobs enqueued before recurring schedules existed carry no nominal time.
  nominalTime: z.iso.datetime({ offset: true }).nullable().optional(),
  // Optional: jobs enqueued before dependencies existed have none.
  hasDependencies: z.boolean().optional(),
  retry: z.object({
    maxAttempts: z.int().positive(),
    backoffType: z.enum(['EXPONENTIAL', 'FIXED']),
    backoffDelayMs: z.int().nonnegative(),
    backoffMaxDelayMs: z.int().nonnegative(),
    backoffJitter: z.number().min(0).max(1),
  }),
});

/**
 * The one job catalog: each job name with the schema of its data. Evolve a schema only by adding
 * optional fields: jobs already in Redis were written with the old one.
 */
const scheduleTickData = z.object({
  jobId: z.uuid(),
  nominalTime: z.iso.datetime({ offset: true }),
});

export const jobCatalog = {
  [JobName.ExecutionRun]: { data: executionRunData },
  [JobName.ScheduleTick]: { data: scheduleTickData },
} as const satisfies Record<JobName, { data: z.ZodType }>;

export type ExecutionRunData = z.infer<typeof executionRunData>;

export function toExecutionRunData(dispatch: ExecutionDispatch): ExecutionRunData {
  return {
    ...dispatch,
    scheduledFor: dispatch.scheduledFor.toISOString(),
    nominalTime: dispatch.nominalTime?.toISOString() ?? null,
  };
}

export function fromExecutionRunData(data: unknown): ExecutionDispatch {
  const parsed = jobCatalog[JobName.ExecutionRun].data.parse(data);
  return {
    ...parsed,
    scheduledFor: new Date(parsed.scheduledFor),
    nominalTime: parsed.nominalTime === undefined || parsed.nominalTime === null ? null : new Date(parsed.nominalTime),
    hasDependencies: parsed.hasDependencies ?? false,
  };
}

/** One tick: the moment a recurring job's next occurrence is due. */
export interface ScheduleTick {
  jobId: string;
  nominalTime: Date;
}

export function fromScheduleTickData(data: unknown): ScheduleTick {
  const parsed = jobCatalog[JobName.ScheduleTick].data.parse(data);
  return { jobId: parsed.jobId, nominalTime: new Date(parsed.nominalTime) };
}

/** The BullMQ id of a tick: one per (job, nominal time), so arming twice adds nothing. */
export function tickJobId(tick: ScheduleTick): string {
  return `tick-${tick.jobId}-${tick.nominalTime.getTime()}`;
}

/** BullMQ priority: 1 runs first. Every job gets one, so API priority 0 does not jump ahead of 1000. */
export function toBullPriority(priority: number): number {
  return 1001 - priority;
}

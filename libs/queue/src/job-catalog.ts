import { CHILD_FAILURE_POLICIES, type ExecutionDispatch } from '@meridian/domain';
import type { BackoffOptions, JobsOptions, KeepJobs } from 'bullmq';
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
  // Optional: written only while tracing is on (a W3C traceparent is 55 characters).
  traceParent: z.string().max(512).optional(),
  // Optional: written only for a child job (jobs enqueued before child jobs existed have none).
  child: z
    .object({ parentExecutionId: z.uuid(), onChildFailure: z.enum(CHILD_FAILURE_POLICIES) })
    .nullable()
    .optional(),
  retry: z.object({
    maxAttempts: z.int().positive(),
    backoffType: z.enum(['EXPONENTIAL', 'FIXED']),
    backoffDelayMs: z.int().nonnegative(),
    backoffMaxDelayMs: z.int().nonnegative(),
    backoffJitter: z.number().min(0).max(1),
  }),
});

const scheduleTickData = z.object({
  jobId: z.uuid(),
  nominalTime: z.iso.datetime({ offset: true }),
});

/**
 * Everything BullMQ is told about the jobs of one name, beside each job's id, delay and priority.
 * `queue` and `attempts` read the job's own data: an execution goes to the queue and runs as many
 * attempts as its job says.
 */
export interface JobPolicy<Data extends z.ZodType> {
  /**
   * Schema of the job's data. Evolve it only by adding optional fields: jobs already in Redis were
   * written with the old one.
   */
  data: Data;
  queue(data: z.output<Data>): string;
  attempts(data: z.output<Data>): number;
  backoff: BackoffOptions;
  /** How long BullMQ keeps a job that completed. Postgres keeps the history, so Redis need not. */
  removeOnComplete: KeepJobs;
  /** How long BullMQ keeps a job that failed for good. */
  removeOnFail: KeepJobs;
}

function jobPolicy<Data extends z.ZodType>(policy: JobPolicy<Data>): JobPolicy<Data> {
  return policy;
}

/** The one job catalog: each job name with the schema of its data and its queue policy. */
export const jobCatalog = {
  [JobName.ExecutionRun]: jobPolicy({
    data: executionRunData,
    queue: (run) => run.queue,
    attempts: (run) => run.retry.maxAttempts,
    // The worker computes each delay with the domain's backoff math and records it in Postgres.
    backoff: { type: MERIDIAN_BACKOFF },
    // Kept a while so the admin UI can show finished executions.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
  }),
  [JobName.ScheduleTick]: jobPolicy({
    data: scheduleTickData,
    queue: () => TICK_QUEUE,
    // A failed tick (Postgres down) is retried; the reconciler re-arms one that gave up.
    attempts: () => 10,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  }),
} as const satisfies Record<JobName, JobPolicy<z.ZodType>>;

/** The options the catalog sets on a job: its attempts, backoff and retention. */
export function catalogJobOptions<Data extends z.ZodType>(
  policy: JobPolicy<Data>,
  data: z.output<Data>,
): Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'> {
  return {
    attempts: policy.attempts(data),
    backoff: policy.backoff,
    removeOnComplete: policy.removeOnComplete,
    removeOnFail: policy.removeOnFail,
  };
}

export type ExecutionRunData = z.infer<typeof executionRunData>;

export function toExecutionRunData({ traceParent, child, ...dispatch }: ExecutionDispatch): ExecutionRunData {
  const data: ExecutionRunData = {
    ...dispatch,
    scheduledFor: dispatch.scheduledFor.toISOString(),
    nominalTime: dispatch.nominalTime?.toISOString() ?? null,
  };
  if (traceParent !== undefined && traceParent !== null) {
    data.traceParent = traceParent;
  }
  if (child !== undefined && child !== null) {
    data.child = child;
  }
  return data;
}

/** An execution as a BullMQ job: its name, data, queue and options (id, delay, priority, catalog policy). */
export function executionRunJob(
  item: ExecutionDispatch,
  now: number,
): { name: typeof JobName.ExecutionRun; queue: string; data: ExecutionRunData; opts: JobsOptions } {
  const policy = jobCatalog[JobName.ExecutionRun];
  const data = toExecutionRunData(item);
  return {
    name: JobName.ExecutionRun,
    queue: policy.queue(data),
    data,
    opts: {
      jobId: item.executionId,
      delay: Math.max(0, item.scheduledFor.getTime() - now),
      priority: toBullPriority(item.priority),
      ...catalogJobOptions(policy, data),
    },
  };
}

export function fromExecutionRunData(data: unknown): ExecutionDispatch {
  const parsed = jobCatalog[JobName.ExecutionRun].data.parse(data);
  return {
    ...parsed,
    scheduledFor: new Date(parsed.scheduledFor),
    nominalTime: parsed.nominalTime === undefined || parsed.nominalTime === null ? null : new Date(parsed.nominalTime),
    hasDependencies: parsed.hasDependencies ?? false,
    ...(parsed.child === undefined || parsed.child === null ? {} : { child: parsed.child }),
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

import { z } from 'zod';

const iso = z.iso.datetime();
const counted = (description: string) => z.int().min(0).describe(description);
/** A figure Redis gave, or null when it did not answer. */
const fromRedis = (description: string) =>
  z.int().min(0).nullable().describe(`${description}; null when Redis did not answer`);

/** What ended in one bucket of the overview's window. */
export const throughputBucketViewSchema = z.object({
  start: iso.describe('When the bucket starts; it lasts `window.bucketSeconds`'),
  succeeded: counted('Executions that ended SUCCEEDED in it'),
  dead: counted('Executions that ended DEAD in it: out of attempts, or failed for good'),
  cancelled: counted('Executions that ended CANCELLED in it'),
  failedAttempts: counted('Attempts that ended FAILED or TIMED_OUT in it, whether a retry followed or not'),
  timedOutAttempts: counted('Of those, the attempts that TIMED_OUT'),
});
export type ThroughputBucketView = z.infer<typeof throughputBucketViewSchema>;

/** One queue as BullMQ holds it: its jobs by state and the workers taking from it. */
export const queueOverviewViewSchema = z
  .object({
    name: z.string(),
    waiting: fromRedis('Jobs due, waiting for a worker'),
    prioritized: fromRedis('Jobs due, waiting for a worker in priority order (every execution has a priority)'),
    delayed: fromRedis('Jobs not yet due: delayed, or waiting for the backoff before a retry'),
    active: fromRedis('Jobs a worker is running'),
    workers: fromRedis(
      'BullMQ workers connected to the queue (Redis CLIENT LIST); also null where Redis refuses CLIENT LIST',
    ),
  })
  .describe(
    "A queue's jobs by state, as the meridian_queue_jobs gauge counts them. Queues are shared by every " +
      "namespace: these are the cluster's figures, not the namespace's.",
  );
export type QueueOverviewView = z.infer<typeof queueOverviewViewSchema>;

/** `GET /v1/overview`: how the namespace's work went over a recent window, and how the cluster's queues stand. */
export const overviewViewSchema = z.object({
  generatedAt: iso,
  window: z
    .object({
      from: iso.describe('Start of the first bucket'),
      to: iso.describe(
        'End of the last bucket, the one `generatedAt` is in (still filling): at or after `generatedAt`',
      ),
      bucketSeconds: z
        .int()
        .min(60)
        .describe('Length of each bucket: a minute up to a window of an hour, then a sixtieth of the window'),
    })
    .describe('The last `windowMinutes`, cut into buckets at multiples of their length'),
  throughput: z
    .object({
      buckets: z.array(throughputBucketViewSchema).describe('Every bucket of the window, oldest first'),
      totals: throughputBucketViewSchema.omit({ start: true }).describe('The buckets added up'),
    })
    .describe(
      "The namespace's executions that ended (by when they ended, as stored in Postgres) and attempts that failed, per bucket",
    ),
  lateness: z
    .object({
      measured: counted('Executions whose first attempt started in the window'),
      p50Ms: z.int().min(0).nullable().describe('Median; null when none was measured'),
      p99Ms: z.int().min(0).nullable().describe('99th percentile (interpolated); null when none was measured'),
      maxMs: z.int().min(0).nullable().describe('Largest; null when none was measured'),
    })
    .describe(
      "Start lateness of the namespace's executions whose first attempt started in the window, in milliseconds: " +
        'that start minus the time the execution was due (scheduledFor), as meridian_start_lateness_seconds measures it',
    ),
  queues: z
    .array(queueOverviewViewSchema)
    .describe(
      "Every queue the deployment serves, in its configuration's order: the cluster's, shared by every namespace",
    ),
  outbox: z
    .object({
      rows: counted('Rows not yet relayed to Redis'),
      oldestAgeSeconds: z.number().min(0).describe('Age of the oldest of them; 0 when there is none'),
    })
    .describe(
      'The outbox of the whole cluster (one for every namespace), as meridian_outbox_backlog_rows and ' +
        'meridian_outbox_oldest_age_seconds measure it: what Postgres stored that the scheduler has not yet handed to Redis',
    ),
});
export type OverviewView = z.infer<typeof overviewViewSchema>;

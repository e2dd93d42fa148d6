import { type ActivityBucket, OverviewRepository } from '@meridian/db';
import { QUEUE_JOB_STATES } from '@meridian/metrics';
import { ExecutionQueueGateway } from '@meridian/queue';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import type { OverviewView, QueueOverviewView, ThroughputBucketView } from './dto/overview.view.js';
import { overviewWindow } from './overview-window.js';

type Counts = Omit<ThroughputBucketView, 'start'>;

const NOTHING: Counts = { succeeded: 0, dead: 0, cancelled: 0, failedAttempts: 0, timedOutAttempts: 0 };

/**
 * The overview of a namespace: what its executions did over a recent window (Postgres), and how the
 * queues and the outbox, which every namespace shares, stand now (Redis, and the outbox table). The
 * queues come from the same reads as the scheduler's gauges; a Redis that does not answer leaves
 * their figures null rather than failing the rest.
 */
@Injectable()
export class OverviewService {
  constructor(
    private readonly reads: OverviewRepository,
    private readonly queues: ExecutionQueueGateway,
    @InjectPinoLogger(OverviewService.name) private readonly logger: PinoLogger,
  ) {}

  async get(namespace: string, windowMinutes: number, now: Date = new Date()): Promise<OverviewView> {
    const window = overviewWindow(windowMinutes, now);
    const [activity, backlog, queues] = await Promise.all([
      this.reads.executionActivity(namespace, window),
      this.reads.outboxBacklog(),
      this.measureQueues(),
    ]);
    const byIndex = new Map(activity.buckets.map((bucket) => [bucket.index, bucket]));
    const buckets = Array.from({ length: window.buckets }, (_, index) => ({
      start: new Date(window.from.getTime() + index * window.bucketSeconds * 1000).toISOString(),
      ...countsOf(byIndex.get(index)),
    }));
    return {
      generatedAt: now.toISOString(),
      window: { from: window.from.toISOString(), to: window.to.toISOString(), bucketSeconds: window.bucketSeconds },
      throughput: { buckets, totals: buckets.reduce(add, NOTHING) },
      lateness: activity.lateness,
      queues,
      outbox: {
        rows: backlog.rows,
        oldestAgeSeconds:
          backlog.oldestCreatedAt === null ? 0 : Math.max(0, now.getTime() - backlog.oldestCreatedAt.getTime()) / 1000,
      },
    };
  }

  /** Every served queue's jobs by state and its workers; null figures for what Redis did not answer. */
  private async measureQueues(): Promise<QueueOverviewView[]> {
    const [jobs, workers] = await Promise.all([
      this.queues.countJobs(QUEUE_JOB_STATES).catch((error: unknown) => this.unmeasured('job counts', error)),
      this.queues.countWorkers().catch((error: unknown) => this.unmeasured('workers', error)),
    ]);
    return this.queues.all().map(({ name }) => {
      const counts = jobs?.find((queue) => queue.queue === name)?.counts;
      return {
        name,
        waiting: counts?.waiting ?? null,
        prioritized: counts?.prioritized ?? null,
        delayed: counts?.delayed ?? null,
        active: counts?.active ?? null,
        workers: workers?.find((queue) => queue.queue === name)?.workers ?? null,
      };
    });
  }

  private unmeasured(what: string, error: unknown): null {
    this.logger.warn({ err: error }, `overview without the queues' ${what}: Redis did not answer`);
    return null;
  }
}

function countsOf(bucket: ActivityBucket | undefined): Counts {
  return bucket === undefined
    ? { ...NOTHING }
    : {
        succeeded: bucket.succeeded,
        dead: bucket.dead,
        cancelled: bucket.cancelled,
        failedAttempts: bucket.failedAttempts,
        timedOutAttempts: bucket.timedOutAttempts,
      };
}

function add(total: Counts, bucket: ThroughputBucketView): Counts {
  return {
    succeeded: total.succeeded + bucket.succeeded,
    dead: total.dead + bucket.dead,
    cancelled: total.cancelled + bucket.cancelled,
    failedAttempts: total.failedAttempts + bucket.failedAttempts,
    timedOutAttempts: total.timedOutAttempts + bucket.timedOutAttempts,
  };
}

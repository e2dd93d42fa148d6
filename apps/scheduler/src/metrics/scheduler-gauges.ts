import { OutboxRepository } from '@meridian/db';
import { MetricCatalog, QUEUE_JOB_STATES } from '@meridian/metrics';
import { ExecutionQueueGateway } from '@meridian/queue';
import { Injectable, type OnModuleInit } from '@nestjs/common';

/**
 * Longest a scrape waits for the queues' counts or the outbox's backlog. A Redis or Postgres that
 * does not answer leaves the gauges at their last values rather than holding Prometheus's scrape
 * until it times out (the readiness probe reports the outage).
 */
const GAUGE_TIMEOUT_MS = 1000;

/**
 * The gauges read at scrape time, here in the scheduler only (one place, not every process):
 * each served queue's jobs by state (one getJobCounts per queue) and the outbox's backlog and age
 * (one SQL statement).
 */
@Injectable()
export class SchedulerGauges implements OnModuleInit {
  /** The outbox measure under way: the backlog and the age gauge share one statement per scrape. */
  private outboxMeasure: Promise<void> | null = null;

  constructor(
    private readonly catalog: MetricCatalog,
    private readonly queues: ExecutionQueueGateway,
    private readonly outbox: OutboxRepository,
  ) {}

  onModuleInit(): void {
    this.catalog.measure(this.catalog.queueJobs, () => within(GAUGE_TIMEOUT_MS, this.countQueueJobs()));
    const outbox = () => {
      this.outboxMeasure ??= within(GAUGE_TIMEOUT_MS, this.measureOutbox()).finally(() => {
        this.outboxMeasure = null;
      });
      return this.outboxMeasure;
    };
    this.catalog.measure(this.catalog.outboxBacklogRows, outbox);
    this.catalog.measure(this.catalog.outboxOldestAge, outbox);
  }

  private async countQueueJobs(): Promise<void> {
    for (const { queue, counts } of await this.queues.countJobs(QUEUE_JOB_STATES)) {
      for (const state of QUEUE_JOB_STATES) {
        this.catalog.queueJobs.set({ queue, state }, counts[state]);
      }
    }
  }

  private async measureOutbox(now = Date.now()): Promise<void> {
    const backlog = await this.outbox.backlog();
    this.catalog.outboxBacklogRows.set(backlog.rows);
    this.catalog.outboxOldestAge.set(
      backlog.oldestCreatedAt === null ? 0 : Math.max(0, now - backlog.oldestCreatedAt.getTime()) / 1000,
    );
  }
}

/** Waits for `work` at most `timeoutMs`; a failure or a timeout leaves the gauges as they were. */
async function within(timeoutMs: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  } catch {
    // The gauges keep their last values.
  } finally {
    clearTimeout(timer);
  }
}

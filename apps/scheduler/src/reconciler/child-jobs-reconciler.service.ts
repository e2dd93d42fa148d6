import type { MeridianConfig } from '@meridian/config';
import { ChildJobRepository } from '@meridian/db';
import { MetricCatalog } from '@meridian/metrics';
import { ExecutionQueueGateway } from '@meridian/queue';
import { BackgroundLoop, CONFIG, OutageBackoff } from '@meridian/runtime';
import { CancellationService } from '@meridian/services';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

const PAGE_SIZE = 500;
/** Wait after a failed pass, doubling up to the reconcile interval. */
const RETRY_DELAY_MS = 1000;

/**
 * What the reconciler checks of child jobs (docs/decisions/0019-child-jobs.md), every
 * `RECONCILE_INTERVAL_MS`, for what has sat unchanged for `RECONCILE_GRACE_MS`:
 * - a parent that ended (cancelled) while children of it did not: the cancel's cascade was cut short
 *   by a crash, so it is carried down again (CancellationService);
 * - a parent parked in BullMQ's waiting-children whose children have all ended in Postgres: BullMQ
 *   lost a link to one of them (part of Redis lost), so the parent is enqueued again, and resumes.
 * Lost children themselves, and parked parents lost with all of Redis, are the execution
 * reconciler's (ReconcilerService). Safe in N replicas: both repairs are idempotent.
 */
@Injectable()
export class ChildJobsReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new BackgroundLoop(() => this.tick());
  private readonly backoff: OutageBackoff;

  constructor(
    private readonly children: ChildJobRepository,
    private readonly queues: ExecutionQueueGateway,
    private readonly cancellations: CancellationService,
    private readonly metrics: MetricCatalog,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(ChildJobsReconciler.name) private readonly logger: PinoLogger,
  ) {
    this.backoff = new OutageBackoff(logger, {
      what: 'reconciliation of child jobs',
      baseDelayMs: Math.min(RETRY_DELAY_MS, config.reconciler.intervalMs),
      maxDelayMs: config.reconciler.intervalMs,
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass; returns how many parents it repaired. */
  async reconcileOnce(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.reconciler.graceMs);
    const orphaning = await this.children.orphaningParents(before, PAGE_SIZE);
    if (orphaning.length > 0) {
      this.logger.warn(
        { count: orphaning.length, parents: orphaning.slice(0, 20) },
        'cancelling children of ended parents',
      );
      await this.cancellations.afterParentsEnded(orphaning);
      this.metrics.reconcilerRepairs.inc({ kind: 'children_cancelled' }, orphaning.length);
    }
    const stuck = await this.children.stuckParents(before, PAGE_SIZE);
    const requeued = stuck.length === 0 ? [] : await this.queues.requeueParked(stuck);
    if (requeued.length > 0) {
      this.logger.warn(
        { count: requeued.length, executionIds: requeued.slice(0, 20).map((item) => item.executionId) },
        'parked parents whose children have all ended enqueued again',
      );
      this.metrics.reconcilerRepairs.inc({ kind: 'parent_requeued' }, requeued.length);
    }
    return orphaning.length + requeued.length;
  }

  private async tick(): Promise<number> {
    try {
      await this.reconcileOnce();
      this.backoff.succeeded();
      return this.config.reconciler.intervalMs;
    } catch (error) {
      return this.backoff.failed(error);
    }
  }
}

import { ChildJobRepository } from '@meridian/db';
import { MetricCatalog } from '@meridian/metrics';
import { ExecutionQueueGateway } from '@meridian/queue';
import { CancellationService } from '@meridian/services';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

const PAGE_SIZE = 500;

/**
 * What the reconciler's pass (ReconcilerService, every `RECONCILE_INTERVAL_MS`) checks of child jobs
 * (docs/decisions/0019-child-jobs.md), for what has sat unchanged for `RECONCILE_GRACE_MS`:
 * - a parent that ended (cancelled) while children of it did not: the cancel's cascade was cut short
 *   by a crash, so it is carried down again (CancellationService);
 * - a parent parked in BullMQ's waiting-children whose children have all ended in Postgres: BullMQ
 *   lost a link to one of them (part of Redis lost), so the parent is enqueued again, and resumes.
 * Lost children themselves, and parked parents lost with all of Redis, are the pass's execution
 * step. Safe in N replicas: both repairs are idempotent.
 */
@Injectable()
export class ChildJobRepairs {
  constructor(
    private readonly children: ChildJobRepository,
    private readonly queues: ExecutionQueueGateway,
    private readonly cancellations: CancellationService,
    private readonly metrics: MetricCatalog,
    @InjectPinoLogger(ChildJobRepairs.name) private readonly logger: PinoLogger,
  ) {}

  /** Repairs what has not changed since `before`; returns how many parents it repaired. */
  async repair(before: Date): Promise<number> {
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
}

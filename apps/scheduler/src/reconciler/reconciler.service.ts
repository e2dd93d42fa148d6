import type { MeridianConfig } from '@meridian/config';
import { DependencyRepository, ExecutionRepository, RecurringJobRepository } from '@meridian/db';
import { MetricCatalog } from '@meridian/metrics';
import { ExecutionQueueGateway, TickQueueGateway } from '@meridian/queue';
import { BackgroundLoop, CONFIG, OutageBackoff } from '@meridian/runtime';
import { DependencySettler } from '@meridian/services';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { ChildJobRepairs } from './child-job-repairs.js';
import { LostRuns } from './lost-runs.js';

/** BullMQ states in which a live execution is lost unless it is enqueued again. */
const LOST_STATES = new Set(['unknown', 'completed', 'failed']);
const PAGE_SIZE = 500;
/** Wait after a failed pass, doubling up to the reconcile interval: a pass soon after an outage ends. */
const RETRY_DELAY_MS = 1000;

/**
 * Rebuilds BullMQ from Postgres: every execution that Postgres says is queued, retrying or running
 * must have a BullMQ job that can still run it. One missing (Redis flushed or failed over) or given
 * up on (stalled too often) is enqueued again under the same id. Safe in N replicas: enqueues are
 * idempotent.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new BackgroundLoop(() => this.tick());
  private readonly backoff: OutageBackoff;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly recurringJobs: RecurringJobRepository,
    private readonly queues: ExecutionQueueGateway,
    private readonly ticks: TickQueueGateway,
    private readonly dependencies: DependencyRepository,
    private readonly settler: DependencySettler,
    private readonly lostRuns: LostRuns,
    private readonly childJobs: ChildJobRepairs,
    private readonly metrics: MetricCatalog,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(ReconcilerService.name) private readonly logger: PinoLogger,
  ) {
    this.backoff = new OutageBackoff(logger, {
      what: 'reconciliation',
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

  /**
   * One full pass: executions, recurring jobs' ticks, dependencies, then child jobs' parents.
   * Returns how many were put back.
   */
  async reconcileOnce(now: Date = new Date()): Promise<number> {
    const updatedBefore = new Date(now.getTime() - this.config.reconciler.graceMs);
    return (
      (await this.reconcileExecutions(updatedBefore)) +
      (await this.reconcileTicks(updatedBefore)) +
      (await this.reconcileDependencies()) +
      (await this.childJobs.repair(updatedBefore))
    );
  }

  /**
   * The pass after Redis lost its data (see RedisLossWatcher): every queued or retrying execution
   * and every armed tick is checked at once, however recently touched, instead of after the grace.
   * Executions come before ticks, so a re-armed tick finds its job's lost run already back in the
   * queue; each queued one found is remembered in {@link LostRuns}, so that it does not count as a
   * run in progress when the job's next occurrence is decided. Running ones keep the grace: their workers still hold them and record their ends in
   * Postgres, so enqueueing them again now would only start a second attempt beside the first.
   */
  async reconcileAfterLoss(now: Date = new Date()): Promise<number> {
    return (
      (await this.reconcileExecutions(now, { running: false, lost: true })) +
      (await this.reconcileTicks(now)) +
      (await this.reconcileDependencies())
    );
  }

  /**
   * Every ended execution must have been counted by the jobs that depend on it: one whose settle was
   * lost (its process died right after the end) is settled here. Settling is idempotent, so racing
   * the process that ended it does no harm.
   */
  private async reconcileDependencies(): Promise<number> {
    const unsettled = await this.dependencies.findUnsettled(PAGE_SIZE);
    if (unsettled.length > 0) {
      this.logger.warn({ count: unsettled.length, executionIds: unsettled.slice(0, 20) }, 'settling dependents');
      await this.settler.settle(unsettled);
      this.metrics.reconcilerRepairs.inc({ kind: 'dependents_settled' }, unsettled.length);
    }
    return unsettled.length;
  }

  /** `lost`: Redis lost its data, so every queued execution found was lost with it (see LostRuns). */
  private async reconcileExecutions(
    updatedBefore: Date,
    options: { running?: boolean; lost?: boolean } = {},
  ): Promise<number> {
    let afterId: string | null = null;
    let requeued = 0;
    for (;;) {
      const page = await this.executions.findLive(updatedBefore, afterId, PAGE_SIZE, { running: options.running });
      if (page.length === 0) {
        return requeued;
      }
      const dispatches = page.map((execution) => execution.dispatch);
      if (options.lost === true) {
        // Every one, whether this pass or another replica's enqueues it again.
        this.lostRuns.remember(
          page.filter((execution) => execution.status === 'QUEUED').map((execution) => execution.dispatch.executionId),
        );
      }
      const states = await this.queues.states(dispatches);
      const lost = dispatches.filter((dispatch) => LOST_STATES.has(states.get(dispatch.executionId) ?? 'unknown'));
      if (lost.length > 0) {
        await this.queues.requeue(lost);
        requeued += lost.length;
        this.metrics.reconcilerRepairs.inc({ kind: 'execution_requeued' }, lost.length);
        this.logger.warn(
          { count: lost.length, executionIds: lost.slice(0, 20).map((dispatch) => dispatch.executionId) },
          'executions missing from BullMQ enqueued again',
        );
      }
      afterId = page.at(-1)?.dispatch.executionId ?? null;
    }
  }

  /** Every active recurring job must have its next tick in BullMQ. */
  private async reconcileTicks(updatedBefore: Date): Promise<number> {
    let afterId: string | null = null;
    let rearmed = 0;
    for (;;) {
      const page = await this.recurringJobs.findArmed(updatedBefore, afterId, PAGE_SIZE);
      if (page.length === 0) {
        return rearmed;
      }
      const lost = await this.ticks.lostTicks(page.map((job) => ({ jobId: job.jobId, nominalTime: job.nextRunAt })));
      if (lost.length > 0) {
        await this.ticks.rearmTicks(lost);
        rearmed += lost.length;
        this.metrics.reconcilerRepairs.inc({ kind: 'tick_rearmed' }, lost.length);
        this.logger.warn({ count: lost.length, jobIds: lost.slice(0, 20).map((tick) => tick.jobId) }, 'ticks re-armed');
      }
      afterId = page.at(-1)?.jobId ?? null;
    }
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

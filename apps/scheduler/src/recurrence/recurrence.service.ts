import { setTimeout as sleep } from 'node:timers/promises';

import { GroupCommit, isDataError, OccurrenceRepository, type RecurringJobState, type TickResult } from '@meridian/db';
import { type OccurrenceOutcome, ValidationError } from '@meridian/domain';
import { MetricCatalog } from '@meridian/metrics';
import { type ScheduleTick, TickQueueGateway } from '@meridian/queue';
import { jitterOffset, planOccurrences } from '@meridian/schedule';
import { CancellationService } from '@meridian/services';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { OutboxRelayService } from '../outbox/outbox-relay.service.js';
import { LostRuns } from '../reconciler/lost-runs.js';
import { RedisLossWatcher } from '../reconciler/redis-loss-watcher.service.js';
import { RedisUncheckedError } from './redis-unchecked.error.js';

const MAX_EARLY_WAIT_MS = 60_000;
/**
 * Ticks one transaction handles at most, and transactions under way at once. A batch holds its
 * jobs' rows until it commits, and the relay and the workers write those rows too (the jobs.status
 * mirror): four batches of 100 kept B4's 1,000 every-second schedules at p99 2.8–3.2 s where two of
 * 500 gave 4.4–8.8 s.
 */
const MAX_TICKS_PER_BATCH = 100;
const TICK_BATCHES_IN_FLIGHT = 4;

/**
 * Handles recurring jobs' ticks: plans the due occurrences (catch-up, overlap, limit), records each
 * in the ledger, creates the executions to run, carries the cancel of the runs a `cancel_previous`
 * occurrence superseded to Redis and their dependents, and arms the next tick.
 *
 * Ticks that arrive together (every schedule of a busy second) are handled as one batch: one
 * transaction, one relay pass and one `addBulk` of the next ticks, instead of one of each per tick.
 */
@Injectable()
export class RecurrenceService {
  private readonly batches = new GroupCommit<ScheduleTick, TickResult>((ticks) => this.handleBatch(ticks), {
    maxBatch: MAX_TICKS_PER_BATCH,
    maxInFlight: TICK_BATCHES_IN_FLIGHT,
    // A job whose stored schedule no longer parses fails its own tick, not every tick due with it.
    isolateOn: (error) => error instanceof ValidationError || isDataError(error),
  });

  constructor(
    private readonly occurrences: OccurrenceRepository,
    private readonly ticks: TickQueueGateway,
    private readonly relay: OutboxRelayService,
    private readonly cancellations: CancellationService,
    private readonly redisLoss: RedisLossWatcher,
    private readonly lostRuns: LostRuns,
    private readonly metrics: MetricCatalog,
    @InjectPinoLogger(RecurrenceService.name) private readonly logger: PinoLogger,
  ) {}

  /** Resolves once the tick's batch committed and its runs and next tick are in Redis. */
  async handleTick(tick: ScheduleTick): Promise<TickResult> {
    // Ticks are delivered a little ahead of their time (TICK_LEAD_MS), and clocks can differ
    // between hosts: handled early, a tick would find nothing due. Wait for the due instant.
    const early = tick.nominalTime.getTime() - Date.now();
    if (early > 0) {
      await sleep(Math.min(early, MAX_EARLY_WAIT_MS));
    }
    try {
      return await this.batches.submit(tick);
    } catch (error) {
      this.metrics.scheduleTicks.inc({ outcome: 'failed' });
      throw error;
    }
  }

  private async handleBatch(ticks: ScheduleTick[]): Promise<TickResult[]> {
    // One GET per batch: a tick held here through a Redis loss must not decide before the lost runs
    // are back, or it would count them as runs in progress and skip its occurrence. Nor while Redis
    // cannot be checked: the batch fails, and its ticks are retried (or re-armed by the rebuild).
    if (!(await this.redisLoss.checkNow())) {
      throw new RedisUncheckedError();
    }
    // Each job's planned outcomes, for the metrics once the batch has committed: a batch run again
    // after a deadlock plans again, and the last plan is the one kept.
    const planned = new Map<string, OccurrenceOutcome[]>();
    const results = await this.occurrences.handleTicks(
      ticks.map((tick) => ({ jobId: tick.jobId, due: tick.nominalTime })),
      () => new Date(),
      (job, now) => {
        const plan = planTick(job, now);
        planned.set(
          job.id,
          plan.occurrences.map((occurrence) => occurrence.outcome),
        );
        return plan;
      },
      { lostRuns: this.lostRuns.recent() },
    );
    this.count(ticks, results, planned);
    let enqueued = 0;
    for (const [index, result] of results.entries()) {
      if (result.kind === 'handled') {
        enqueued += result.enqueued;
        const jobId = ticks[index]?.jobId;
        this.logger.debug({ jobId, due: ticks[index]?.nominalTime, ...result }, 'tick handled');
        await this.cancellations.afterCancelled(result.superseded.queue, result.superseded.executions, {
          jobId,
          reason: 'superseded',
        });
      }
    }
    // The runs into BullMQ now rather than at the next poll (an occurrence should start on its
    // second), and, also for a stale tick, each job's real next tick armed (idempotent): side by
    // side, as the batch's slot is held until both are done.
    const nextTicks = results.flatMap((result, index) => {
      const jobId = ticks[index]?.jobId;
      return result.nextRunAt === null || jobId === undefined ? [] : [{ jobId, nominalTime: result.nextRunAt }];
    });
    await Promise.all([enqueued > 0 ? this.relay.relayNow() : undefined, this.ticks.armTicks(nextTicks)]);
    return results;
  }

  private count(ticks: ScheduleTick[], results: TickResult[], planned: Map<string, OccurrenceOutcome[]>): void {
    for (const [index, result] of results.entries()) {
      this.metrics.scheduleTicks.inc({ outcome: result.kind });
      const jobId = ticks[index]?.jobId;
      if (result.kind === 'handled' && jobId !== undefined) {
        for (const outcome of planned.get(jobId) ?? []) {
          this.metrics.occurrences.inc({ outcome });
        }
      }
    }
  }
}

/** What the tick of `job` due at its `nextRunAt` does at `now`: the schedule's plan, each run with its jitter. */
function planTick(job: RecurringJobState, now: Date) {
  const { schedule, jitterMs } = job.schedule;
  const plan = planOccurrences({
    schedule,
    due: job.nextRunAt ?? now,
    now,
    occurrenceCount: job.occurrenceCount,
    catchUp: job.catchUp,
    overlap: job.overlap,
    inFlight: job.inFlight,
    paused: job.paused,
  });
  return {
    nextRunAt: plan.nextRunAt,
    cancelInFlight: plan.cancelInFlight,
    occurrences: plan.occurrences.map((occurrence) => ({
      ...occurrence,
      runAt: new Date(
        occurrence.nominalTime.getTime() + jitterOffset(`${job.id}:${occurrence.nominalTime.toISOString()}`, jitterMs),
      ),
    })),
  };
}

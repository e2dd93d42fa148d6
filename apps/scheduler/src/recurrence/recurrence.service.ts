import { setTimeout as sleep } from 'node:timers/promises';

import { OccurrenceLedgerRepository, type TickResult } from '@meridian/db';
import { CancellationNotifier, ExecutionQueueGateway, type ScheduleTick } from '@meridian/queue';
import { jitterOffset, parseSchedule, planOccurrences } from '@meridian/schedule';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { OutboxRelayService } from '../outbox/outbox-relay.service.js';

const MAX_EARLY_WAIT_MS = 60_000;

/**
 * Handles a recurring job's tick: plans the due occurrences (catch-up, overlap, limit), records each
 * in the ledger, creates the executions to run, tells Redis about the runs a `cancel_previous`
 * occurrence cancelled, and arms the next tick.
 */
@Injectable()
export class RecurrenceService {
  constructor(
    private readonly ledger: OccurrenceLedgerRepository,
    private readonly queues: ExecutionQueueGateway,
    private readonly relay: OutboxRelayService,
    private readonly cancellations: CancellationNotifier,
    @InjectPinoLogger(RecurrenceService.name) private readonly logger: PinoLogger,
  ) {}

  async handleTick(tick: ScheduleTick): Promise<TickResult> {
    // A tick can be promoted a little before its time when clocks differ between hosts; handling it
    // early would find nothing due and leave the schedule waiting for the reconciler.
    const early = tick.nominalTime.getTime() - Date.now();
    if (early > 0) {
      await sleep(Math.min(early, MAX_EARLY_WAIT_MS));
    }
    const now = new Date();
    const result = await this.ledger.handleTick(tick.jobId, tick.nominalTime, now, (job) => {
      const { schedule, jitterMs } = parseSchedule(job.schedule);
      const plan = planOccurrences({
        schedule,
        due: tick.nominalTime,
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
            occurrence.nominalTime.getTime() +
              jitterOffset(`${job.id}:${occurrence.nominalTime.toISOString()}`, jitterMs),
          ),
        })),
      };
    });
    if (result.kind === 'handled') {
      this.logger.debug({ jobId: tick.jobId, due: tick.nominalTime, ...result }, 'tick handled');
      await this.cancellations.notify(
        result.superseded.queue,
        result.superseded.executions,
        this.logger.logger.child({ jobId: tick.jobId, reason: 'superseded' }),
      );
      if (result.enqueued > 0) {
        // Into BullMQ before the tick is done, not at the next poll: an occurrence should start on
        // its second. The ticks of one second share relay passes rather than each running its own.
        await this.relay.relayNow();
      }
    }
    // Also for a stale tick: make sure the job's real next tick is armed (idempotent).
    if (result.nextRunAt !== null) {
      await this.queues.armTicks([{ jobId: tick.jobId, nominalTime: result.nextRunAt }]);
    }
    return result;
  }
}

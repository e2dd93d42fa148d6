import type { MeridianConfig } from '@meridian/config';
import { OutboxRepository, type SqlClient } from '@meridian/db';
import type { ExecutionDispatch } from '@meridian/domain';
import { ExecutionQueueGateway, TickQueueGateway } from '@meridian/queue';
import { BackgroundLoop, CONFIG, OutageBackoff, SQL } from '@meridian/runtime';
import { inSpanPerItem } from '@meridian/tracing';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/** The channel the outbox's insert trigger notifies (see the fast_path migration). */
const OUTBOX_CHANNEL = 'meridian_outbox';

/** How long to wait before listening again after the notification connection dropped (doubling to a cap). */
const RELISTEN_DELAY_MS = 1000;
const RELISTEN_MAX_DELAY_MS = 5000;
/** Longest wait between relay tries while Postgres or Redis fails them. */
const RELAY_MAX_DELAY_MS = 5000;

const relaySpanAttributes = (dispatch: ExecutionDispatch) => ({
  'meridian.execution_id': dispatch.executionId,
  'meridian.job_id': dispatch.jobId,
  'meridian.queue': dispatch.queue,
});

/**
 * Moves committed outbox rows into BullMQ. Safe to run in any number of scheduler replicas: rows
 * are claimed with SKIP LOCKED and every enqueue is idempotent (job id = execution id).
 * A NOTIFY from the outbox's insert trigger wakes the relay as soon as rows commit; the poll is
 * the fallback for a notification lost with its connection.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new BackgroundLoop(() => this.tick());
  private readonly relayBackoff: OutageBackoff;
  private readonly listenBackoff: OutageBackoff;
  private stopListening: (() => Promise<void>) | undefined;
  private relistenTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The pass {@link relayNow} started, and the one queued behind it. */
  private passUnderWay: Promise<void> | null = null;
  private nextPass: Promise<void> | null = null;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly queues: ExecutionQueueGateway,
    private readonly ticks: TickQueueGateway,
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(OutboxRelayService.name) private readonly logger: PinoLogger,
  ) {
    this.relayBackoff = new OutageBackoff(logger, {
      what: 'outbox relay',
      baseDelayMs: config.outbox.pollIntervalMs * 2,
      maxDelayMs: RELAY_MAX_DELAY_MS,
    });
    this.listenBackoff = new OutageBackoff(logger, {
      what: 'outbox notifications',
      baseDelayMs: RELISTEN_DELAY_MS,
      maxDelayMs: RELISTEN_MAX_DELAY_MS,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.loop.start();
    this.logger.info({ pollIntervalMs: this.config.outbox.pollIntervalMs }, 'scheduler ready');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.relistenTimer);
    await this.stopListening?.();
    await this.loop.stop();
  }

  /** Listens for new outbox rows; on failure, polling carries on and listening is tried again. */
  private async listen(): Promise<void> {
    // Polling carries on meanwhile, so a lost listener costs latency, not rows.
    const retry = (error: unknown) => {
      this.stopListening = undefined;
      const waitMs = this.listenBackoff.failed(error);
      if (!this.stopped) {
        this.relistenTimer = setTimeout(() => void this.listen(), waitMs);
      }
    };
    try {
      this.stopListening = await this.sql.listen(
        OUTBOX_CHANNEL,
        () => this.wake(),
        (error) => {
          void this.stopListening?.();
          retry(error);
        },
      );
      this.listenBackoff.succeeded();
    } catch (error) {
      retry(error);
    }
  }

  /**
   * Relays as soon as the loop is free, rather than at the next poll. While the relay is failing it
   * backs off instead: a burst of new rows must not hammer a Redis that is down.
   */
  wake(): void {
    if (!this.relayBackoff.failing) {
      this.loop.wake();
    }
  }

  /**
   * Relays what is committed by now and resolves once that is in BullMQ (or the pass failed, which
   * is logged; the loop picks the rows up). Callers at about the same time share one pass; a pass
   * already under way may have claimed before their rows committed, so they get the one after it.
   */
  relayNow(): Promise<void> {
    if (this.nextPass !== null) {
      return this.nextPass;
    }
    const run = async () => {
      this.nextPass = null;
      const pass = this.relayOnce().then(
        () => undefined,
        (error: unknown) => {
          this.logger.warn({ err: error }, 'immediate relay failed; the relay loop will pick the rows up');
        },
      );
      this.passUnderWay = pass;
      await pass;
      if (this.passUnderWay === pass) {
        this.passUnderWay = null;
      }
    };
    if (this.passUnderWay === null) {
      return run();
    }
    this.nextPass = this.passUnderWay.then(run);
    return this.nextPass;
  }

  /** Relays one batch; exposed for tests and for draining. */
  async relayOnce(): Promise<number> {
    const { batchSize } = this.config.outbox;
    // One span per traced execution, a child of its create's; the worker continues from it.
    const executions = await this.outbox.relayBatch(batchSize, (items) =>
      inSpanPerItem('outbox relay enqueue', items, relaySpanAttributes, (traced) => this.queues.enqueue(traced)),
    );
    const ticks = await this.outbox.relayArmBatch(batchSize, (items) => this.ticks.armTicks(items));
    const claimed = Math.max(executions.claimed, ticks.claimed);
    const dispatched = executions.dispatched + ticks.dispatched;
    if (claimed > 0) {
      this.logger.debug({ claimed, dispatched }, 'outbox batch relayed');
    }
    return claimed;
  }

  /** One relay pass; returns how long to wait before the next. */
  private async tick(): Promise<number> {
    const { pollIntervalMs, batchSize } = this.config.outbox;
    try {
      const claimed = await this.relayOnce();
      this.relayBackoff.succeeded();
      // A full batch means more is waiting: go again at once.
      return claimed < batchSize ? pollIntervalMs : 0;
    } catch (error) {
      // The rows stay in the outbox for the next try.
      return this.relayBackoff.failed(error);
    }
  }
}

import type { MeridianConfig } from '@meridian/config';
import { OutboxRepository } from '@meridian/db';
import { ExecutionQueueGateway } from '@meridian/queue';
import { BackgroundLoop, CONFIG } from '@meridian/runtime';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/**
 * Moves committed outbox rows into BullMQ. Safe to run in any number of scheduler replicas: rows
 * are claimed with SKIP LOCKED and every enqueue is idempotent (job id = execution id).
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new BackgroundLoop(() => this.tick());
  private failures = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly queues: ExecutionQueueGateway,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(OutboxRelayService.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
    this.logger.info({ pollIntervalMs: this.config.outbox.pollIntervalMs }, 'scheduler ready');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Relays one batch; exposed for tests and for draining. */
  async relayOnce(): Promise<number> {
    const { batchSize } = this.config.outbox;
    const executions = await this.outbox.relayBatch(batchSize, (items) => this.queues.enqueue(items));
    const ticks = await this.outbox.relayArmBatch(batchSize, (items) => this.queues.armTicks(items));
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
      this.failures = 0;
      // A full batch means more is waiting: go again at once.
      return claimed < batchSize ? pollIntervalMs : 0;
    } catch (error) {
      this.failures += 1;
      this.logger.error({ err: error, failures: this.failures }, 'outbox relay failed; rows stay for the next try');
      return Math.min(pollIntervalMs * 2 ** this.failures, 5000);
    }
  }
}

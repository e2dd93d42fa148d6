import { setTimeout as sleep } from 'node:timers/promises';

import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { MeridianConfig } from '@meridian/config';
import { OutboxRepository } from '@meridian/db';
import { ExecutionQueueGateway } from '@meridian/queue';
import { CONFIG } from '@meridian/runtime';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/**
 * Moves committed outbox rows into BullMQ. Safe to run in any number of scheduler replicas: rows
 * are claimed with SKIP LOCKED and every enqueue is idempotent (job id = execution id).
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly queues: ExecutionQueueGateway,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(OutboxRelayService.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
    this.logger.info({ pollIntervalMs: this.config.outbox.pollIntervalMs }, 'scheduler ready');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  /** Relays one batch; exposed for tests and for draining. */
  async relayOnce(): Promise<number> {
    const { claimed, dispatched } = await this.outbox.relayBatch(this.config.outbox.batchSize, (items) =>
      this.queues.enqueue(items),
    );
    if (claimed > 0) {
      this.logger.debug({ claimed, dispatched }, 'outbox batch relayed');
    }
    return claimed;
  }

  private async run(): Promise<void> {
    const { pollIntervalMs, batchSize } = this.config.outbox;
    let failures = 0;
    while (!this.stop.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await this.relayOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.error({ err: error, failures }, 'outbox relay failed; rows stay for the next try');
      }
      // A full batch means more is waiting: go again at once. Otherwise poll; back off while failing.
      if (claimed < batchSize) {
        const wait = failures === 0 ? pollIntervalMs : Math.min(pollIntervalMs * 2 ** failures, 5000);
        await sleep(wait, undefined, { signal: this.stop.signal }).catch(() => undefined);
      }
    }
  }
}

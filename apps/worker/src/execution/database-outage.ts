import { setTimeout as sleep } from 'node:timers/promises';

import { DatabaseHealthRepository, isDatabaseUnavailable } from '@meridian/db';
import { OutageBackoff } from '@meridian/runtime';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/** First wait before probing Postgres again, doubling per failed probe up to the cap. */
const PROBE_DELAY_MS = 250;
const PROBE_MAX_DELAY_MS = 5000;

/**
 * The worker's knowledge that Postgres is down. A delivery whose writes failed because Postgres
 * could not be reached reports it here; the worker then stops taking work (listeners pause the
 * BullMQ workers, letting attempts under way go on), probes Postgres with backoff, and resumes once
 * a probe answers. Without this, every waiting job would be fetched, fail to record its start and
 * go back to the queue, over and over for as long as the outage lasts.
 */
@Injectable()
export class DatabaseOutage implements BeforeApplicationShutdown {
  private readonly listeners: ((down: boolean) => void)[] = [];
  private readonly backoff: OutageBackoff;
  private readonly stopping = new AbortController();
  private probing: Promise<void> | null = null;

  constructor(
    private readonly database: DatabaseHealthRepository,
    @InjectPinoLogger(DatabaseOutage.name) logger: PinoLogger,
  ) {
    this.backoff = new OutageBackoff(logger, {
      what: 'postgres',
      baseDelayMs: PROBE_DELAY_MS,
      maxDelayMs: PROBE_MAX_DELAY_MS,
    });
  }

  /** Whether the worker believes Postgres is down (it is probing it). */
  get down(): boolean {
    return this.probing !== null;
  }

  /** Calls `listener` with `true` when an outage begins and `false` when it ends. */
  onChange(listener: (down: boolean) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Looks at a delivery's failure: one that says Postgres cannot be reached starts an outage (if
   * none is under way). Returns whether it said so.
   */
  report(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) {
      return false;
    }
    if (this.probing === null && !this.stopping.signal.aborted) {
      this.probing = this.probeUntilUp(error);
    }
    return true;
  }

  /** Resolves once the outage under way (if any) has ended; for tests. */
  async recovered(): Promise<void> {
    await this.probing;
  }

  beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    return this.recovered();
  }

  private async probeUntilUp(error: unknown): Promise<void> {
    this.notify(true);
    let waitMs = this.backoff.failed(error);
    while (!this.stopping.signal.aborted) {
      await sleep(waitMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      if (this.stopping.signal.aborted) {
        break;
      }
      try {
        await this.database.ping();
        this.backoff.succeeded();
        break;
      } catch (probeError) {
        waitMs = this.backoff.failed(probeError);
      }
    }
    this.probing = null;
    if (!this.stopping.signal.aborted) {
      this.notify(false);
    }
  }

  private notify(down: boolean): void {
    for (const listener of this.listeners) {
      listener(down);
    }
  }
}

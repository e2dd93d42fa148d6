import { AuditRepository, type NewAuditEntry } from '@meridian/db';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/** Entries written in one statement at most, and how long one waits for others to join it. */
const BATCH_SIZE = 200;
const FLUSH_AFTER_MS = 20;

/**
 * Writes audit entries in batches, off the request's path: a create should not wait for a second
 * insert and a second pool connection. Entries are flushed within FLUSH_AFTER_MS, and on shutdown;
 * a process killed in between loses the entries of those milliseconds, and a failed write is logged
 * with what it held.
 */
@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private pending: (NewAuditEntry & { at: Date })[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly audit: AuditRepository,
    @InjectPinoLogger(AuditWriter.name) private readonly logger: PinoLogger,
  ) {}

  record(entry: NewAuditEntry): void {
    this.pending.push({ ...entry, at: new Date() });
    if (this.pending.length >= BATCH_SIZE) {
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
    }
  }

  /** Writes what is pending; resolves once everything recorded so far is written (or has failed). */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) {
        return;
      }
      await this.audit.append(batch).catch((error: unknown) => {
        this.logger.error(
          { err: error, lost: batch.map((entry) => ({ action: entry.action, target: entry.target })) },
          'audit entries could not be written',
        );
      });
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}

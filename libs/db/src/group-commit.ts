import { sqlStateOf } from './sql-client.js';

/** Options of a {@link GroupCommit}. */
export interface GroupCommitOptions {
  /** Most items one flush writes. @defaultValue 500 */
  maxBatch?: number;
  /** Flushes under way at once (each holds a pooled connection while it runs). @defaultValue 2 */
  maxInFlight?: number;
  /**
   * Whether a failed flush of several items should be tried again one item at a time, so one item
   * that Postgres refuses fails alone. @defaultValue errors Postgres raised for the data itself
   * (SQLSTATE classes 22, data exception, and 23, integrity constraint violation)
   */
  isolateOn?: (error: unknown) => boolean;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** Whether Postgres refused the data itself (SQLSTATE class 22 or 23): a flush's default reason to isolate. */
export const isDataError = (error: unknown) => /^2[23]/.test(sqlStateOf(error) ?? '');

/**
 * Group commit: each caller submits one item and waits for the commit that holds it, while items
 * submitted at about the same time share one multi-row statement and one commit.
 *
 * Contract: `flush(items)` writes every item atomically (one statement or one transaction) and
 * returns one result per item, in order. A caller's promise settles only after its flush has
 * committed or failed, so whoever acknowledges on that promise (a 201, a BullMQ completion) never
 * acknowledges a write that a crash could still lose. There is no timer: a flush starts as soon as
 * a slot is free, so an idle process adds no latency and a busy one batches whatever arrived while
 * the previous flush ran.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly isolateOn: (error: unknown) => boolean;
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.isolateOn = options.isolateOn ?? isDataError;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when every submitted item has been flushed (or has failed). */
  async drain(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) {
      return;
    }
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.waiting.length === 0) {
      return;
    }
    this.scheduled = true;
    // Items submitted in the same turn of the event loop (one socket read's requests) join one flush.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
        this.start(this.waiting.splice(0, this.maxBatch));
      }
    });
  }

  private start(batch: Waiting<I, O>[]): void {
    this.inFlight += 1;
    void this.write(batch).finally(() => {
      this.inFlight -= 1;
      this.schedule();
      if (this.inFlight === 0 && this.waiting.length === 0) {
        for (const resolve of this.idle.splice(0)) {
          resolve();
        }
      }
    });
  }

  private async write(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, index) => waiting.resolve(results[index] as O));
    } catch (error) {
      if (batch.length > 1 && this.isolateOn(error)) {
        // Rare (validated input seldom fails), so one at a time: no burst of connections.
        for (const waiting of batch) {
          await this.write([waiting]);
        }
        return;
      }
      for (const waiting of batch) {
        waiting.reject(error);
      }
    }
  }
}

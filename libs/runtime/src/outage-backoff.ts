/** The logger calls an {@link OutageBackoff} makes (PinoLogger's shape). */
export interface OutageLogger {
  error(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** Options of an {@link OutageBackoff}. */
export interface OutageBackoffOptions {
  /** What fails, as the log lines name it ("outbox relay"). */
  what: string;
  /** Wait after the first failure; each further one doubles it. @defaultValue 100 */
  baseDelayMs?: number;
  /** Longest wait between tries. @defaultValue 5000 */
  maxDelayMs?: number;
}

/**
 * The retry pace and the log lines of work that fails over and over while a dependency is down
 * (Postgres or Redis unreachable): the wait before the next try doubles from `baseDelayMs` up to
 * `maxDelayMs`, and an outage is logged twice, when its first failure comes and when the first
 * success after it does, not once per try.
 */
export class OutageBackoff {
  private failures = 0;
  private since = 0;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly logger: OutageLogger,
    private readonly options: OutageBackoffOptions,
  ) {
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
  }

  /** Whether the last try failed. */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** Records a failed try; returns how long to wait before the next one. */
  failed(error: unknown, now: number = Date.now()): number {
    if (this.failures === 0) {
      this.since = now;
      this.logger.error(
        { err: error, what: this.options.what },
        `${this.options.what} failing; retrying with backoff, logged again once it recovers`,
      );
    }
    this.failures += 1;
    // 2 ** 30 is far past any cap; bounding the exponent keeps the product finite.
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(this.failures - 1, 30));
  }

  /** Records a successful try, ending the outage if there was one. */
  succeeded(now: number = Date.now()): void {
    if (this.failures === 0) {
      return;
    }
    this.logger.info(
      { what: this.options.what, failures: this.failures, outageMs: now - this.since },
      `${this.options.what} recovered`,
    );
    this.failures = 0;
  }
}

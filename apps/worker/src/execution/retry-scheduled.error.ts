/**
 * Thrown to BullMQ after a failed attempt that will be retried. It carries the delay already
 * recorded in Postgres, so BullMQ's backoff strategy waits exactly that long.
 */
export class RetryScheduledError extends Error {
  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
    this.name = 'RetryScheduledError';
  }
}

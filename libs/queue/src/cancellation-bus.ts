import type { Redis } from 'ioredis';

/**
 * Tells every worker that an execution was cancelled, so whichever one is running it can abort the
 * handler's signal. Fire-and-forget: Postgres already holds the CANCELLED state, and a worker that
 * misses the message still cannot write a result over it.
 */
export class CancellationBus {
  private readonly channel: string;

  constructor(
    private readonly connection: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}:cancellations`;
  }

  async publish(executionId: string): Promise<void> {
    await this.connection.publish(this.channel, executionId);
  }

  /** `subscriber` must be a connection of its own: a subscribed Redis connection can do nothing else. */
  async subscribe(subscriber: Redis, onCancel: (executionId: string) => void): Promise<void> {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) {
        onCancel(message);
      }
    });
    await subscriber.subscribe(this.channel);
  }
}

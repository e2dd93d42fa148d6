import type { Redis } from 'ioredis';

/** Whether a subscriber can hear its channel at all, for one that must know when it may have missed a message. */
export interface ChannelHearing {
  /** Subscribed: messages published from now on arrive. Called once subscribed, and again after each reconnect. */
  onListening(): void;
  /** The connection dropped: messages published until the next `onListening` are lost. */
  onDeaf(): void;
}

/** A subscription on a connection of its own. */
export interface Subscription {
  /** Settles once subscribed; while Redis is away it waits. */
  readonly subscribed: Promise<void>;
  /** Closes the subscription's connection. */
  close(): Promise<void>;
}

/**
 * One Redis pub/sub channel under a deployment's key prefix. Fire-and-forget: a message reaches
 * only the connections subscribed at that instant; whoever must not act on a missed one passes
 * `hearing` to learn when the subscription was down.
 */
export class RedisChannel {
  private readonly channel: string;

  constructor(
    private readonly connection: Redis,
    prefix: string,
    name: string,
  ) {
    this.channel = `${prefix}:${name}`;
  }

  async publish(message: string): Promise<void> {
    await this.connection.publish(this.channel, message);
  }

  /**
   * Subscribes on a connection of its own, duplicated from the publishing one and named after the
   * channel, that holds its SUBSCRIBE until Redis answers and keeps reconnecting, whatever the
   * publishing connection is set to do while Redis is away.
   */
  listen(
    onMessage: (message: string) => void,
    hearing: ChannelHearing & { onError(error: Error): void },
  ): Subscription {
    const subscriber = this.connection.duplicate({
      connectionName: `${this.channel}:subscriber`,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    subscriber.on('error', (error: Error) => hearing.onError(error));
    return {
      subscribed: this.subscribe(subscriber, onMessage, hearing),
      close: async () => {
        await subscriber.quit().catch(() => subscriber.disconnect());
      },
    };
  }

  /** `subscriber` must be a connection of its own: a subscribed Redis connection can do nothing else. */
  async subscribe(subscriber: Redis, onMessage: (message: string) => void, hearing?: ChannelHearing): Promise<void> {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) {
        onMessage(message);
      }
    });
    if (hearing !== undefined) {
      subscriber.on('close', () => hearing.onDeaf());
    }
    await subscriber.subscribe(this.channel);
    if (hearing !== undefined) {
      // On reconnect ioredis sends SUBSCRIBE again (autoResubscribe) before it emits 'ready'.
      subscriber.on('ready', () => hearing.onListening());
      hearing.onListening();
    }
  }
}

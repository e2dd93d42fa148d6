import type { Redis } from 'ioredis';

/** Whether a subscriber can hear its channel at all, for one that must know when it may have missed a message. */
export interface ChannelHearing {
  /** Subscribed: messages published from now on arrive. Called once subscribed, and again after each reconnect. */
  onListening(): void;
  /** The connection dropped: messages published until the next `onListening` are lost. */
  onDeaf(): void;
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

import type { Redis } from 'ioredis';

export class RedisHealthRepository {
  constructor(private readonly redis: Redis) {}

  /** Resolves when Redis answers PING; fails fast instead of waiting through a reconnect. */
  async ping(timeoutMs = 2000): Promise<void> {
    if (this.redis.status !== 'ready') {
      throw new Error(`redis connection is ${this.redis.status}`);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('redis did not answer PING in time')), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

import type { MeridianConfig } from '@meridian/config';
import { KeyRevocationBus } from '@meridian/queue';
import { CONFIG, REDIS } from '@meridian/runtime';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { VerifiedKeyCache } from './verified-key-cache.js';

/**
 * Keeps this process's {@link VerifiedKeyCache} in step with revocations made on any api process:
 * each broadcast id is evicted, and the cache holds keys only while the subscription is up.
 *
 * The process does not wait for Redis to start serving: until it is subscribed, every request reads
 * its key from Postgres, which is slower but never stale.
 */
@Injectable()
export class KeyRevocationListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscriber: Redis | undefined;
  private closing = false;

  constructor(
    private readonly bus: KeyRevocationBus,
    private readonly cache: VerifiedKeyCache,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(KeyRevocationListener.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    // The api's own connection fails commands at once while Redis is away; this one must instead
    // hold its SUBSCRIBE until Redis answers, and keep reconnecting.
    const subscriber = this.redis.duplicate({
      connectionName: `${this.config.redis.prefix}-api-key-revocations`,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    subscriber.on('error', (error) => this.logger.debug({ err: error }, 'key revocation subscriber error'));
    this.subscriber = subscriber;
    this.bus
      .subscribe(subscriber, (keyId) => this.cache.evict(keyId), {
        onListening: () => {
          this.cache.resume();
          this.logger.info('listening for key revocations; verified keys are cached');
        },
        onDeaf: () => {
          if (this.cache.suspend() && !this.closing) {
            this.logger.warn('key revocations unheard (Redis connection lost); every key is read from Postgres');
          }
        },
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not subscribe to key revocations'));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}

import { KeyRevocationBus, type Subscription } from '@meridian/queue';
import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
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
  private subscription: Subscription | undefined;
  private closing = false;

  constructor(
    private readonly bus: KeyRevocationBus,
    private readonly cache: VerifiedKeyCache,
    @InjectPinoLogger(KeyRevocationListener.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.bus.listen((keyId) => this.cache.evict(keyId), {
      onListening: () => {
        this.cache.resume();
        this.logger.info('listening for key revocations; verified keys are cached');
      },
      onDeaf: () => {
        if (this.cache.suspend() && !this.closing) {
          this.logger.warn('key revocations unheard (Redis connection lost); every key is read from Postgres');
        }
      },
      onError: (error) => this.logger.debug({ err: error }, 'key revocation subscriber error'),
    });
    this.subscription.subscribed.catch((error: unknown) =>
      this.logger.error({ err: error }, 'could not subscribe to key revocations'),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.subscription?.close();
  }
}

import type { MeridianConfig } from '@meridian/config';
import { RateLimitedError } from '@meridian/domain';
import { CONFIG, REDIS } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Requests per API key per minute, counted in Redis so the limit holds however many api processes
 * serve the key. Should Redis not answer, each process falls back to counting alone (the same limit
 * per process) rather than refusing every request or letting every one through.
 */
@Injectable()
export class ApiRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(CONFIG) config: MeridianConfig,
    @InjectPinoLogger(ApiRateLimiter.name) private readonly logger: PinoLogger,
  ) {
    const points = config.api.rateLimitPerMinute;
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.redis.prefix}:rate-limit`,
      points,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
  }

  /** Counts one request of `keyId`; throws RateLimitedError once the key is over its limit. */
  async consume(keyId: string): Promise<void> {
    try {
      await this.limiter.consume(keyId);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      this.logger.warn({ err: rejection }, 'rate limiter failed; request let through');
    }
  }
}

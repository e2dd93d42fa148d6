import type { MeridianConfig } from '@meridian/config';
import { RateLimitedError } from '@meridian/domain';
import { CONFIG, REDIS } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** The window of the burst allowance (docs/decisions/0001-api-rate-limit-burst.md). */
const BURST_WINDOW_SECONDS = 600;

/**
 * Requests per API key: `rateLimitPerMinute` a minute, and once those are spent, up to
 * `rateLimitBurst` more per 10 minutes, so one client can send a burst (10,000 single creates at
 * once by default) while a steady flood is still held to the per-minute rate. Counted in Redis so
 * the limits hold however many api processes serve the key; a request within the per-minute limit
 * costs one Redis round trip, one over it two. Should Redis not answer, each process falls back to
 * counting alone (the same limits per process) rather than refusing every request or letting every
 * one through.
 */
@Injectable()
export class ApiRateLimiter {
  private readonly limiter: RateLimiterRedis | BurstyRateLimiter;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(CONFIG) config: MeridianConfig,
    @InjectPinoLogger(ApiRateLimiter.name) private readonly logger: PinoLogger,
  ) {
    const counter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.redis.prefix}:${name}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      });
    const steady = counter('rate-limit', config.api.rateLimitPerMinute, 60);
    this.limiter =
      config.api.rateLimitBurst === 0
        ? steady
        : new BurstyRateLimiter(steady, counter('rate-limit-burst', config.api.rateLimitBurst, BURST_WINDOW_SECONDS));
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

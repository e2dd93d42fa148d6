import type { MeridianConfig } from '@meridian/config';
import { AuthenticationThrottledError } from '@meridian/domain';
import { CONFIG, REDIS } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Addresses one process remembers as refused; a flood of new ones only churns this list. */
const MAX_BLOCKED_ADDRESSES = 100_000;

/**
 * Failed authentications (no key, a key that is none, a wrong secret, a revoked key; on the API and
 * on Bull Board alike) per client address: `authFailureLimitPerMinute` a minute, counted in Redis
 * across every api process. Past the limit the address is refused, for the rest of the minute, before
 * its key is looked at or its body read.
 *
 * Only failures are counted, so a valid request costs nothing here: whether an address is refused is
 * read from this process's memory, which learns it from the count of the failure that went over (so
 * each process pays at most one Redis round trip per refused address and minute). The price is that
 * while an address is refused, so are the valid keys behind it (a NAT shared with a client sending
 * bad keys): see API_TRUST_PROXY for clients behind a proxy.
 */
@Injectable()
export class FailedAuthThrottle {
  private readonly counter: RateLimiterRedis;
  /** Address → when its refusal ends (ms since the epoch). */
  private readonly refused = new LRUCache<string, number>({ max: MAX_BLOCKED_ADDRESSES });

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(CONFIG) config: MeridianConfig,
    @InjectPinoLogger(FailedAuthThrottle.name) private readonly logger: PinoLogger,
  ) {
    const points = config.api.authFailureLimitPerMinute;
    this.counter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.redis.prefix}:auth-failures`,
      points,
      duration: 60,
      // Should Redis not answer, each process counts alone rather than letting every guess through.
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
  }

  /** Throws AuthenticationThrottledError while `address` is refused. Reads memory only. */
  assertNotRefused(address: string): void {
    const until = this.refused.get(address);
    if (until === undefined) {
      return;
    }
    const remainingMs = until - Date.now();
    if (remainingMs <= 0) {
      this.refused.delete(address);
      return;
    }
    throw new AuthenticationThrottledError(Math.max(1, Math.ceil(remainingMs / 1000)));
  }

  /**
   * Counts one failed authentication of `address`. Throws AuthenticationThrottledError when this one
   * is over the limit (the address is refused from now on, in this process); returns otherwise.
   */
  async recordFailure(address: string): Promise<void> {
    try {
      await this.counter.consume(address);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        this.logger.warn({ err: rejection }, 'failed authentication not counted');
        return;
      }
      this.refused.set(address, Date.now() + rejection.msBeforeNext);
      throw new AuthenticationThrottledError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  }
}

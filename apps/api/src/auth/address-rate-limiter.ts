import type { MeridianConfig } from '@meridian/config';
import { AddressRateLimitedError } from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * A generous cap on the requests of one client address, `addressRateLimitPerMinute` a minute,
 * checked before anything else (no key is looked at, no body read). It is counted in this process's
 * memory, so it costs a valid request no round trip; with N api processes an address may so make N
 * times as many. It is a floodgate, not a quota: the quotas are per key and per namespace
 * (ApiRateLimiter), and failed authentications have a tight limit of their own (FailedAuthThrottle).
 */
@Injectable()
export class AddressRateLimiter {
  private readonly limiter: RateLimiterMemory | null;

  constructor(@Inject(CONFIG) config: MeridianConfig) {
    const points = config.api.addressRateLimitPerMinute;
    this.limiter = points === 0 ? null : new RateLimiterMemory({ points, duration: 60 });
  }

  /** Counts one request from `address`; throws AddressRateLimitedError once it is over the cap. */
  async consume(address: string): Promise<void> {
    try {
      await this.limiter?.consume(address);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new AddressRateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      throw rejection;
    }
  }
}

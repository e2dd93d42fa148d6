import { type Principal, UnauthorizedError } from '@meridian/domain';
import { Injectable } from '@nestjs/common';

import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { ApiRateLimiter } from './api-rate-limiter.js';
import { FailedAuthThrottle } from './failed-auth-throttle.js';

/**
 * Who is calling, from which address, and whether they may call now: the one gate of every request
 * that needs a key (the REST API and Bull Board), run before its body is read. An address refused for
 * its failed authentications is turned away before its key is looked at; a key that stands for no
 * active key counts as one more failure; a valid key counts against its own and its namespace's rate
 * limits, in one Redis round trip.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly keys: ApiKeyAuthenticator,
    private readonly failures: FailedAuthThrottle,
    private readonly limits: ApiRateLimiter,
  ) {}

  /**
   * The principal of `presented` (the request's key, or null without one) sent from `address`.
   * Throws AuthenticationThrottledError while the address is refused for its failures,
   * UnauthorizedError without a valid key, and RateLimitedError or NamespaceRateLimitedError over a
   * rate limit.
   */
  async authenticate(address: string, presented: string | null): Promise<Principal> {
    this.failures.assertNotRefused(address);
    const principal = presented === null ? null : await this.keys.authenticate(presented);
    if (principal === null) {
      await this.failures.recordFailure(address);
      throw new UnauthorizedError(
        presented === null
          ? 'Send an API key: Authorization: Bearer <key>.'
          : 'The API key is not valid, or has been revoked.',
      );
    }
    await this.limits.consume(principal);
    return principal;
  }
}

import type { MeridianConfig } from '@meridian/config';
import { ApiKeyRepository } from '@meridian/db';
import { KeyRevocationBus } from '@meridian/queue';
import { CONFIG, DatabaseModule, REDIS } from '@meridian/runtime';
import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { AddressRateLimiter } from './address-rate-limiter.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { ApiRateLimiter } from './api-rate-limiter.js';
import { FailedAuthThrottle } from './failed-auth-throttle.js';
import { KeyRevocationListener } from './key-revocation.listener.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { VerifiedKeyCache } from './verified-key-cache.js';

/**
 * Who calls: API keys checked against a cache kept in step with revocations; the rate limits of each
 * key and namespace; the throttle of failed authentications and the cap per client address.
 */
@Module({
  imports: [DatabaseModule.forFeature([ApiKeyRepository])],
  providers: [
    AddressRateLimiter,
    ApiKeyAuthenticator,
    ApiRateLimiter,
    FailedAuthThrottle,
    RequestAuthenticator,
    KeyRevocationListener,
    {
      provide: VerifiedKeyCache,
      useFactory: (config: MeridianConfig) => new VerifiedKeyCache(config.api.keyCache),
      inject: [CONFIG],
    },
    {
      provide: KeyRevocationBus,
      useFactory: (redis: Redis, config: MeridianConfig) => new KeyRevocationBus(redis, config.redis.prefix),
      inject: [REDIS, CONFIG],
    },
  ],
  exports: [
    AddressRateLimiter,
    ApiKeyAuthenticator,
    ApiRateLimiter,
    RequestAuthenticator,
    VerifiedKeyCache,
    KeyRevocationBus,
  ],
})
export class AuthModule {}

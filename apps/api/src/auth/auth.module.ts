import type { MeridianConfig } from '@meridian/config';
import { KeyRevocationBus } from '@meridian/queue';
import { CONFIG, REDIS } from '@meridian/runtime';
import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { ApiRateLimiter } from './api-rate-limiter.js';
import { KeyRevocationListener } from './key-revocation.listener.js';
import { VerifiedKeyCache } from './verified-key-cache.js';

/** Who calls: API keys checked against a cache kept in step with revocations, and each key's rate limit. */
@Module({
  providers: [
    ApiKeyAuthenticator,
    ApiRateLimiter,
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
  exports: [ApiKeyAuthenticator, ApiRateLimiter, VerifiedKeyCache, KeyRevocationBus],
})
export class AuthModule {}

import { once } from 'node:events';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { ApiKeyRepository, connectPostgres, type Postgres } from '@meridian/db';
import {
  AuthenticationThrottledError,
  generateApiKey,
  NamespaceRateLimitedError,
  newId,
  UnauthorizedError,
} from '@meridian/domain';
import { createRedisConnection } from '@meridian/queue';
import {
  countRedisCommands,
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  testRedisPrefix,
} from '@meridian/testing';
import type { Redis } from 'ioredis';
import type { PinoLogger } from 'nestjs-pino';

import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { ApiRateLimiter } from './api-rate-limiter.js';
import { FailedAuthThrottle } from './failed-auth-throttle.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { VerifiedKeyCache } from './verified-key-cache.js';

const logger = { warn: () => {}, info: () => {} } as unknown as PinoLogger;
const ATTACKER = '203.0.113.66';
const NEIGHBOUR = '203.0.113.67';
/** A key of the right shape whose id no key has. */
const madeUpKey = () => generateApiKey(newId()).key;

/** The error a call throws (or null), to compare outcomes in order. */
async function outcome(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

describe(RequestAuthenticator.name, () => {
  let database: TestDatabase;
  let postgres: Postgres;
  let redis: Redis;
  let prefix: string;
  /** Reads of keys from Postgres, by every gate of a test. */
  let reads: number;
  /** Commands sent to Redis, by every gate of a test. */
  let redisCommands: ReturnType<typeof countRedisCommands>;
  let keys: ApiKeyRepository;

  /** One api process's gate: its own key cache and memory, on the shared Postgres and Redis. */
  const gate = (env: Record<string, string> = {}) => {
    const config = loadConfig({ REDIS_PREFIX: prefix, API_AUTH_FAILURE_LIMIT_PER_MINUTE: '3', ...env });
    const counting = new Proxy(keys, {
      get(target, property, receiver) {
        if (property === 'findActive') {
          return (id: string) => {
            reads += 1;
            return target.findActive(id);
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const cache = new VerifiedKeyCache(config.api.keyCache);
    // As the revocation listener does once it is subscribed.
    cache.resume();
    return new RequestAuthenticator(
      new ApiKeyAuthenticator(counting, cache, config),
      new FailedAuthThrottle(redisCommands.redis, config, logger),
      new ApiRateLimiter(redisCommands.redis, config, logger),
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 2 });
    keys = new ApiKeyRepository(postgres.prisma, postgres.sql);
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'request-authenticator-test', 'client');
    await once(redis, 'ready');
  }, 30_000);
  beforeEach(() => {
    prefix = testRedisPrefix();
    reads = 0;
    redisCommands = countRedisCommands(redis);
  });
  afterEach(async () => {
    await deleteRedisPrefix(prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await postgres.close();
    await database.drop();
  });

  it('should refuse an address past its failed authentications before reading its keys from Postgres', async () => {
    const sut = gate();

    const outcomes = [];
    for (let i = 0; i < 6; i += 1) {
      outcomes.push(await outcome(sut.authenticate(ATTACKER, madeUpKey())));
    }

    expect(outcomes).toEqual([
      UnauthorizedError.name,
      UnauthorizedError.name,
      UnauthorizedError.name,
      AuthenticationThrottledError.name,
      AuthenticationThrottledError.name,
      AuthenticationThrottledError.name,
    ]);
    // Four reads, each of a new made-up id; none once the address is refused.
    expect(reads).toBe(4);
  });

  it('should count requests without any key as failures too', async () => {
    const sut = gate();

    const outcomes = [];
    for (let i = 0; i < 4; i += 1) {
      outcomes.push(await outcome(sut.authenticate(ATTACKER, null)));
    }

    expect(outcomes.at(-1)).toBe(AuthenticationThrottledError.name);
  });

  it("should refuse a refused address's valid keys too, and say until when, while other addresses get in", async () => {
    const { key } = await keys.create({ namespace: 'alpha', name: 'good', scopes: ['jobs:read'], createdBy: 'test' });
    const sut = gate();
    for (let i = 0; i < 4; i += 1) {
      await outcome(sut.authenticate(ATTACKER, madeUpKey()));
    }

    const refusal = await sut.authenticate(ATTACKER, key).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(AuthenticationThrottledError);
    expect((refusal as AuthenticationThrottledError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((refusal as AuthenticationThrottledError).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await sut.authenticate(NEIGHBOUR, key)).toMatchObject({ namespace: 'alpha', keyName: 'good' });
  });

  it('should hold the failures of an address across api processes', async () => {
    const [first, second] = [gate(), gate()];
    for (let i = 0; i < 4; i += 1) {
      await outcome(first.authenticate(ATTACKER, madeUpKey()));
    }

    // The other process has not seen the address yet: its first failure learns from Redis that it is over.
    expect(await outcome(second.authenticate(ATTACKER, madeUpKey()))).toBe(AuthenticationThrottledError.name);
    expect(await outcome(second.authenticate(ATTACKER, madeUpKey()))).toBe(AuthenticationThrottledError.name);
  });

  it('should not count valid requests against the address', async () => {
    const { key } = await keys.create({ namespace: 'alpha', name: 'good', scopes: ['jobs:read'], createdBy: 'test' });
    const sut = gate();

    for (let i = 0; i < 10; i += 1) {
      await sut.authenticate(ATTACKER, key);
    }

    expect(await outcome(sut.authenticate(ATTACKER, madeUpKey()))).toBe(UnauthorizedError.name);
  });

  it('should cost a valid request one Redis command, and no Postgres read once its key is known', async () => {
    const { key } = await keys.create({ namespace: 'alpha', name: 'good', scopes: ['jobs:read'], createdBy: 'test' });
    const sut = gate();
    // The first request reads the key, and hands Redis the rate limits' script.
    await sut.authenticate(ATTACKER, key);
    reads = 0;
    redisCommands.reset();

    for (let i = 0; i < 20; i += 1) {
      await sut.authenticate(ATTACKER, key);
    }

    expect({ reads, commands: redisCommands.count() }).toEqual({ reads: 0, commands: 20 });
  });

  it("should hold a namespace's keys together to the namespace's limit", async () => {
    const created = await Promise.all(
      ['one', 'two'].map((name) => keys.create({ namespace: 'beta', name, scopes: ['jobs:read'], createdBy: 'test' })),
    );
    const sut = gate({ API_NAMESPACE_RATE_LIMIT_PER_MINUTE: '4', API_NAMESPACE_RATE_LIMIT_BURST: '0' });

    const outcomes = [];
    for (let i = 0; i < 3; i += 1) {
      for (const { key } of created) {
        outcomes.push(await outcome(sut.authenticate(NEIGHBOUR, key)));
      }
    }

    expect(outcomes).toEqual([null, null, null, null, NamespaceRateLimitedError.name, NamespaceRateLimitedError.name]);
  });
});

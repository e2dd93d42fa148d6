import type { MeridianConfig } from '@meridian/config';
import { NamespaceRateLimitedError, type Principal, RateLimitedError } from '@meridian/domain';
import { type RateSubject, RateWindowCounters } from '@meridian/queue';
import { CONFIG, REDIS } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** The window of the steady limits. */
const WINDOW_SECONDS = 60;
/** The window of the burst allowances (docs/decisions/0001-api-rate-limit-burst.md). */
const BURST_WINDOW_SECONDS = 600;

interface Limits {
  perMinute: number;
  burst: number;
}

/**
 * Requests per API key and per namespace (all its keys together), each `perMinute` a minute and,
 * once those are spent, up to `burst` more per 10 minutes: one client can send a burst (10,000
 * single creates at once by default) while a steady flood is held to the per-minute rate, and a
 * tenant with many keys gets no more than the namespace's limit.
 *
 * Both are counted in Redis, so they hold however many api processes serve the key, and in one
 * round trip per request, the burst included (one script counts the key and the namespace:
 * docs/decisions/0009-limits-before-authentication.md). Should Redis not answer, each process counts alone
 * (the same limits per process) rather than refusing every request or letting every one through.
 */
@Injectable()
export class ApiRateLimiter {
  private readonly counters: RateWindowCounters;
  private readonly prefix: string;
  private readonly keyLimits: Limits;
  private readonly namespaceLimits: Limits;
  private readonly fallback: { key: MemoryLimiter; namespace: MemoryLimiter };
  private counting: 'redis' | 'memory' = 'redis';

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(CONFIG) config: MeridianConfig,
    @InjectPinoLogger(ApiRateLimiter.name) private readonly logger: PinoLogger,
  ) {
    this.prefix = config.redis.prefix;
    this.counters = new RateWindowCounters(redis, {
      windowMs: WINDOW_SECONDS * 1000,
      burstWindowMs: BURST_WINDOW_SECONDS * 1000,
    });
    this.keyLimits = { perMinute: config.api.rateLimitPerMinute, burst: config.api.rateLimitBurst };
    this.namespaceLimits = {
      perMinute: config.api.namespaceRateLimitPerMinute,
      burst: config.api.namespaceRateLimitBurst,
    };
    this.fallback = { key: memoryLimiter(this.keyLimits), namespace: memoryLimiter(this.namespaceLimits) };
  }

  /**
   * Counts one request of the key and of its namespace; throws RateLimitedError once the key is over
   * its limit, NamespaceRateLimitedError once the namespace is (whichever frees up later, if both).
   */
  async consume(principal: Pick<Principal, 'keyId' | 'namespace'>): Promise<void> {
    const [keyWait = null, namespaceWait = null] = await this.count(principal);
    if (keyWait === null && namespaceWait === null) {
      return;
    }
    if (namespaceWait !== null && (keyWait === null || namespaceWait > keyWait)) {
      throw new NamespaceRateLimitedError(toSeconds(namespaceWait));
    }
    throw new RateLimitedError(toSeconds(keyWait ?? 0));
  }

  private async count({ keyId, namespace }: Pick<Principal, 'keyId' | 'namespace'>): Promise<(number | null)[]> {
    // One hash slot per namespace, so that a Redis Cluster can run the script on both counters.
    const subjects: RateSubject[] = [
      { key: `${this.prefix}:rate:{${namespace}}:key:${keyId}`, ...counted(this.keyLimits) },
      { key: `${this.prefix}:rate:{${namespace}}:namespace`, ...counted(this.namespaceLimits) },
    ];
    try {
      const waits = await this.counters.consume(subjects);
      if (this.counting === 'memory') {
        this.counting = 'redis';
        this.logger.info('rate limits counted in Redis again');
      }
      return waits;
    } catch (error) {
      if (this.counting === 'redis') {
        this.counting = 'memory';
        this.logger.warn({ err: error }, 'rate limits cannot be counted in Redis; each api process counts alone');
      }
      return Promise.all([waitOf(this.fallback.key, keyId), waitOf(this.fallback.namespace, namespace)]);
    }
  }
}

function counted({ perMinute, burst }: Limits): Pick<RateSubject, 'limit' | 'burst'> {
  return { limit: perMinute, burst };
}

type MemoryLimiter = RateLimiterMemory | BurstyRateLimiter;

function memoryLimiter({ perMinute, burst }: Limits): MemoryLimiter {
  const steady = new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS });
  return burst === 0
    ? steady
    : new BurstyRateLimiter(steady, new RateLimiterMemory({ points: burst, duration: BURST_WINDOW_SECONDS }));
}

async function waitOf(limiter: MemoryLimiter, subject: string): Promise<number | null> {
  try {
    await limiter.consume(subject);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return rejection.msBeforeNext;
    }
    throw rejection;
  }
}

function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

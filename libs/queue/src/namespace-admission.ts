import type { NamespaceLimits } from '@meridian/domain';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Atomically: drop expired leases, then admit `member` if it holds a lease already or if fewer than
 * `limit` leases are held. KEYS[1] the sorted set of leases (score: expiry, ms); ARGV: member, limit,
 * now, expiry.
 */
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
  return 1
end
return 0`;

export type Admission = { admitted: true } | { admitted: false; retryInMs: number };

/** How long to wait before asking again when a namespace is at its concurrency limit. */
const BUSY_RETRY_MS = 1000;

/**
 * Per-namespace limits on the workers, kept in Redis so they hold across every worker: at most
 * `maxConcurrency` runs at once (each run holds a lease that expires on its own if its worker dies)
 * and at most `maxRunsPerMinute` starts a minute. A run that is not admitted waits and asks again;
 * it spends no attempt.
 */
export class NamespaceAdmission {
  private readonly rateLimiters = new Map<number, RateLimiterRedis>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Admits one run of `namespace`, holding its concurrency lease for `leaseMs` at most. */
  async admit(namespace: string, executionId: string, limits: NamespaceLimits, leaseMs: number): Promise<Admission> {
    if (limits.maxConcurrency !== null) {
      const now = Date.now();
      const admitted = await this.redis.eval(
        ADMIT,
        1,
        this.leasesKey(namespace),
        executionId,
        limits.maxConcurrency,
        now,
        now + leaseMs,
      );
      if (admitted !== 1) {
        return { admitted: false, retryInMs: BUSY_RETRY_MS };
      }
    }
    if (limits.maxRunsPerMinute !== null) {
      try {
        await this.rateLimiter(limits.maxRunsPerMinute).consume(namespace);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          throw rejection;
        }
        await this.release(namespace, executionId);
        return { admitted: false, retryInMs: Math.max(rejection.msBeforeNext, 50) };
      }
    }
    return { admitted: true };
  }

  /** Gives the run's concurrency lease back. */
  async release(namespace: string, executionId: string): Promise<void> {
    await this.redis.zrem(this.leasesKey(namespace), executionId);
  }

  /** Runs of `namespace` holding a lease now. */
  async running(namespace: string): Promise<number> {
    await this.redis.zremrangebyscore(this.leasesKey(namespace), '-inf', Date.now());
    return this.redis.zcard(this.leasesKey(namespace));
  }

  private leasesKey(namespace: string): string {
    return `${this.prefix}:namespace:${namespace}:leases`;
  }

  private rateLimiter(points: number): RateLimiterRedis {
    let limiter = this.rateLimiters.get(points);
    if (limiter === undefined) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}:namespace-runs:${points}`,
        points,
        duration: 60,
      });
      this.rateLimiters.set(points, limiter);
    }
    return limiter;
  }
}

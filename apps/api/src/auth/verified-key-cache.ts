import type { Principal } from '@meridian/domain';
import { LRUCache } from 'lru-cache';

/** An active API key as read from Postgres: whom it stands for, and its secret's hash to check each request against. */
export interface VerifiedKey {
  principal: Principal;
  secretHash: string;
}

export interface VerifiedKeyCacheOptions {
  /**
   * How long a key read from Postgres is trusted without reading it again: the bound on how long a
   * revocation whose broadcast was lost goes unnoticed. 0 caches nothing.
   * @defaultValue 30_000 (API_KEY_CACHE_TTL_MS)
   */
  ttlMs: number;
  /**
   * Active keys held at most, least recently used dropped first; ids known to be no active key are
   * held apart, up to the same number, so they never push a real key out.
   * @defaultValue 10_000 (API_KEY_CACHE_MAX_ENTRIES)
   */
  maxEntries: number;
  /** The clock, in milliseconds. @defaultValue `performance.now` */
  now?: () => number;
}

/** An id that is no active key: unknown, or revoked (which is for good). */
const NO_KEY = true;

/**
 * The api process's memory of API keys it read from Postgres, so a request costs no query.
 *
 * Staleness, which only matters for a revocation (a key's scopes and namespace never change):
 * - a revocation is broadcast (KeyRevocationBus) and evicts the key within milliseconds;
 * - the broadcast is fire-and-forget, so keys are stored only while the process hears it
 *   (`resume`); when the subscription drops, everything is forgotten and nothing is stored until it
 *   is back (`suspend`), and it is forgotten again on resubscribing, since messages of the gap are lost;
 * - a read that started before an eviction is not stored after it (`epoch`), or it could store the
 *   key as it was before the revocation;
 * - anything else that loses a message (a publish that failed, a Redis failover) is bounded by `ttlMs`.
 *
 * What is stored is the key's record, never the outcome of a request: a wrong secret is checked
 * against the stored hash and refused without a query, and cannot make anything be stored. Ids that
 * are no active key are remembered too (a client still sending a revoked key costs no query), in a
 * list of their own so that a flood of made-up ids only churns that list. Made-up ids that are each
 * new still cost one primary-key read each, as any unauthenticated request would; limiting them per
 * client is for the edge in front of the api. Concurrent reads of one id share one query.
 */
export class VerifiedKeyCache {
  private readonly known: LRUCache<string, VerifiedKey> | null;
  private readonly unknown: LRUCache<string, typeof NO_KEY> | null;
  private readonly reading = new Map<string, Promise<VerifiedKey | null>>();
  /** Bumped on every eviction and clear: a read that began in an older epoch stores nothing. */
  private epoch = 0;
  private hearing = false;

  constructor(options: VerifiedKeyCacheOptions) {
    const lru = {
      max: options.maxEntries,
      ttl: options.ttlMs,
      // Ages are measured on every look-up, not on a clock cached for a millisecond.
      ttlResolution: 0,
      ...(options.now === undefined ? {} : { perf: { now: options.now } }),
    };
    this.known = options.ttlMs > 0 ? new LRUCache<string, VerifiedKey>(lru) : null;
    this.unknown = options.ttlMs > 0 ? new LRUCache<string, typeof NO_KEY>(lru) : null;
  }

  /** The key with this id from the cache, or else from `read` (and remembered). */
  async get(id: string, read: (id: string) => Promise<VerifiedKey | null>): Promise<VerifiedKey | null> {
    const known = this.known?.get(id);
    if (known !== undefined) {
      return known;
    }
    if (this.unknown?.has(id) === true) {
      return null;
    }
    const pending = this.reading.get(id);
    if (pending !== undefined) {
      return pending;
    }
    const epoch = this.epoch;
    const reading = read(id).then((key) => {
      if (epoch === this.epoch) {
        this.remember(id, key);
      }
      return key;
    });
    this.reading.set(id, reading);
    try {
      return await reading;
    } finally {
      if (this.reading.get(id) === reading) {
        this.reading.delete(id);
      }
    }
  }

  /** Forgets one key (revoked): the next request with it reads Postgres. */
  evict(id: string): void {
    this.epoch += 1;
    this.known?.delete(id);
    this.reading.delete(id);
  }

  /** Revocations can be heard (again): forgets what might have been revoked meanwhile, then stores keys. */
  resume(): void {
    this.clear();
    this.hearing = true;
  }

  /** Revocations cannot be heard: forgets every key and stores none until `resume`. Whether it heard them till now. */
  suspend(): boolean {
    const was = this.hearing;
    this.hearing = false;
    this.clear();
    return was;
  }

  private clear(): void {
    this.epoch += 1;
    this.known?.clear();
    this.unknown?.clear();
    this.reading.clear();
  }

  private remember(id: string, key: VerifiedKey | null): void {
    if (key === null) {
      this.unknown?.set(id, NO_KEY);
    } else if (this.hearing) {
      this.known?.set(id, key);
    }
  }
}

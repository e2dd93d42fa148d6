import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { ApiKeyRecord, ApiKeyRepository } from '@meridian/db';
import { generateApiKey, hashSecret, newId, type Scope } from '@meridian/domain';

import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { VerifiedKeyCache } from './verified-key-cache.js';

const TTL_MS = 30_000;
const BOOTSTRAP_KEY = 'bootstrap-key-of-at-least-32-characters';

/** The keys in Postgres, counting the reads the authenticator makes. */
class FakeApiKeys {
  readonly rows = new Map<string, ApiKeyRecord & { secretHash: string }>();
  reads = 0;
  /** When set, each read answers only once it resolves, with what it read before: lets a test act during a read. */
  gate: Promise<void> | undefined;

  add(scopes: Scope[] = ['jobs:read']): { id: string; key: string } {
    const id = newId();
    const { key, secretHash } = generateApiKey(id);
    this.rows.set(id, {
      id,
      namespace: 'alpha',
      name: `key ${id}`,
      scopes,
      createdBy: 'test',
      createdAt: new Date(0),
      revokedAt: null,
      secretHash,
    });
    return { id, key };
  }

  revoke(id: string): void {
    const row = this.rows.get(id);
    if (row !== undefined) {
      row.revokedAt = new Date();
    }
  }

  async findActive(id: string): Promise<(ApiKeyRecord & { secretHash: string }) | null> {
    this.reads += 1;
    const row = this.rows.get(id);
    const found = row === undefined || row.revokedAt !== null ? null : { ...row };
    await this.gate;
    return found;
  }
}

/** The same key with another secret of the right shape. */
const withWrongSecret = (key: string) => `${key.slice(0, -43)}${'A'.repeat(43)}`;

describe(ApiKeyAuthenticator.name, () => {
  let keys: FakeApiKeys;
  let now: number;
  let cache: VerifiedKeyCache;
  let sut: ApiKeyAuthenticator;

  const build = (options: { ttlMs?: number; maxEntries?: number } = {}) => {
    cache = new VerifiedKeyCache({ ttlMs: TTL_MS, maxEntries: 100, ...options, now: () => now });
    // As the revocation listener does once it is subscribed.
    cache.resume();
    sut = new ApiKeyAuthenticator(
      keys as unknown as ApiKeyRepository,
      cache,
      loadConfig({ API_BOOTSTRAP_KEY: BOOTSTRAP_KEY }),
    );
  };

  beforeEach(() => {
    keys = new FakeApiKeys();
    now = 1_000_000;
    build();
  });

  it('should read a key from the repository once, and answer its next requests from the cache', async () => {
    const { id, key } = keys.add(['jobs:write']);

    const principals = [await sut.authenticate(key), await sut.authenticate(key), await sut.authenticate(key)];

    expect(principals).toEqual(
      Array.from({ length: 3 }, () => ({
        keyId: id,
        keyName: `key ${id}`,
        namespace: 'alpha',
        scopes: ['jobs:write'],
        root: false,
      })),
    );
    expect(keys.reads).toBe(1);
  });

  it('should check the secret on every answer from the cache, without reading the repository again', async () => {
    const { key } = keys.add();
    await sut.authenticate(key);

    expect(await sut.authenticate(withWrongSecret(key))).toBeNull();
    expect(await sut.authenticate(withWrongSecret(key))).toBeNull();
    expect(await sut.authenticate(key)).not.toBeNull();
    expect(keys.reads).toBe(1);
  });

  it('should cache the key, not a wrong secret, when a wrong secret comes first', async () => {
    const { key } = keys.add();

    expect(await sut.authenticate(withWrongSecret(key))).toBeNull();

    expect(await sut.authenticate(key)).not.toBeNull();
    expect(keys.reads).toBe(1);
  });

  it('should read the key again once the TTL has passed, and refuse it if it was revoked meanwhile', async () => {
    const { id, key } = keys.add();
    await sut.authenticate(key);
    keys.revoke(id);

    now += TTL_MS;
    expect(await sut.authenticate(key)).not.toBeNull();
    now += 1;
    expect(await sut.authenticate(key)).toBeNull();
    expect(keys.reads).toBe(2);
  });

  it('should not extend the TTL of a key that is used', async () => {
    const { id, key } = keys.add();
    await sut.authenticate(key);
    keys.revoke(id);

    for (let i = 0; i < 10; i += 1) {
      now += TTL_MS / 10;
      await sut.authenticate(key);
    }
    now += 1;

    expect(await sut.authenticate(key)).toBeNull();
  });

  it('should refuse a key at once when its revocation evicts it', async () => {
    const { id, key } = keys.add();
    await sut.authenticate(key);
    keys.revoke(id);

    cache.evict(id);

    expect(await sut.authenticate(key)).toBeNull();
  });

  it('should drop the least recently used key once it holds its maximum', async () => {
    build({ maxEntries: 2 });
    const [a, b, c] = [keys.add(), keys.add(), keys.add()];
    await sut.authenticate(a.key);
    await sut.authenticate(b.key);
    await sut.authenticate(a.key);

    await sut.authenticate(c.key);
    keys.reads = 0;

    await sut.authenticate(a.key);
    await sut.authenticate(c.key);
    expect(keys.reads).toBe(0);
    await sut.authenticate(b.key);
    expect(keys.reads).toBe(1);
  });

  it('should remember an id that is no active key for the TTL, so repeating it reads nothing', async () => {
    const { id, key } = keys.add();
    keys.revoke(id);

    for (let i = 0; i < 5; i += 1) {
      expect(await sut.authenticate(key)).toBeNull();
    }
    expect(keys.reads).toBe(1);

    now += TTL_MS + 1;
    expect(await sut.authenticate(key)).toBeNull();
    expect(keys.reads).toBe(2);
  });

  it('should not let ids that are no key push the known keys out', async () => {
    build({ maxEntries: 2 });
    const known = keys.add();
    await sut.authenticate(known.key);

    for (let i = 0; i < 10; i += 1) {
      expect(await sut.authenticate(generateApiKey(newId()).key)).toBeNull();
    }
    keys.reads = 0;

    expect(await sut.authenticate(known.key)).not.toBeNull();
    expect(keys.reads).toBe(0);
  });

  it('should store no key while revocations cannot be heard, and forget every key when they stop being heard', async () => {
    const { id, key } = keys.add();
    await sut.authenticate(key);

    expect(cache.suspend()).toBe(true);
    keys.revoke(id);
    expect(await sut.authenticate(key)).toBeNull();

    const other = keys.add();
    await sut.authenticate(other.key);
    await sut.authenticate(other.key);
    expect(keys.reads).toBe(4);
  });

  it('should forget every key when revocations are heard again, since those of the gap are lost', async () => {
    const { id, key } = keys.add();
    await sut.authenticate(key);
    keys.revoke(id);

    cache.resume();

    expect(await sut.authenticate(key)).toBeNull();
  });

  it('should not store a key read before a revocation that arrived while the read was under way', async () => {
    const { id, key } = keys.add();
    let release = () => {};
    keys.gate = new Promise((resolve) => {
      release = resolve;
    });
    const during = sut.authenticate(key);
    await Promise.resolve();

    keys.revoke(id);
    cache.evict(id);
    release();

    expect(await during).not.toBeNull();
    keys.gate = undefined;
    expect(await sut.authenticate(key)).toBeNull();
  });

  it('should share one read among concurrent requests for one key', async () => {
    const { key } = keys.add();

    const principals = await Promise.all(Array.from({ length: 5 }, () => sut.authenticate(key)));

    expect(principals.every((principal) => principal !== null)).toBe(true);
    expect(keys.reads).toBe(1);
  });

  it('should read the repository on every request when the TTL is 0', async () => {
    build({ ttlMs: 0 });
    const { key } = keys.add();

    await sut.authenticate(key);
    await sut.authenticate(key);

    expect(keys.reads).toBe(2);
  });

  it('should read nothing for a key that is not shaped like one, nor for the bootstrap key', async () => {
    expect(await sut.authenticate('mk_not-a-key')).toBeNull();
    expect(await sut.authenticate(BOOTSTRAP_KEY)).toMatchObject({ keyId: 'bootstrap', root: true });
    expect(keys.reads).toBe(0);
  });

  it('should store the hash of the secret, never the secret', async () => {
    const { id, key } = keys.add();
    await sut.authenticate(key);

    const stored = await cache.get(id, () => Promise.reject(new Error('not cached')));

    expect(stored?.secretHash).toBe(hashSecret(key.slice(-43)));
    expect(JSON.stringify(stored)).not.toContain(key.slice(-43));
  });
});

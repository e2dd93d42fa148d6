import { beforeEach, describe, expect, it } from '@jest/globals';
import type { ApiKeyRecord, ApiKeyRepository, AuditOf, NewAuditEntry } from '@meridian/db';
import {
  ApiKeyNotFoundError,
  InsufficientScopeError,
  newId,
  type Principal,
  type Scope,
  ValidationError,
} from '@meridian/domain';
import type { KeyRevocationBus } from '@meridian/queue';
import type { PinoLogger } from 'nestjs-pino';

import type { VerifiedKeyCache } from '../auth/verified-key-cache.js';
import { KeysService } from './keys.service.js';

const admin: Principal = { keyId: newId(), keyName: 'ops', namespace: 'acme', scopes: ['admin'], root: false };
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/** API keys in memory; a key's secret is `mk_<id>`. */
class FakeApiKeys {
  readonly keys: ApiKeyRecord[] = [];
  readonly audit: NewAuditEntry[] = [];

  create(
    input: { namespace: string; name: string; scopes: Scope[]; createdBy: string },
    audit?: AuditOf<ApiKeyRecord>,
  ) {
    const record: ApiKeyRecord = { id: newId(), ...input, createdAt: new Date(), revokedAt: null };
    this.keys.push(record);
    if (audit !== undefined) {
      this.audit.push(audit(record));
    }
    return Promise.resolve({ record, key: `mk_${record.id}` });
  }

  list(namespace: string) {
    return Promise.resolve(this.keys.filter((key) => key.namespace === namespace));
  }

  revoke(namespace: string, id: string, audit?: AuditOf<{ before: ApiKeyRecord; after: ApiKeyRecord }>) {
    const key = this.keys.find((row) => row.id === id && row.namespace === namespace);
    if (key === undefined) {
      return Promise.resolve(false);
    }
    const before = { ...key };
    key.revokedAt ??= new Date();
    if (audit !== undefined) {
      this.audit.push(audit({ before, after: { ...key } }));
    }
    return Promise.resolve(true);
  }
}

describe(KeysService.name, () => {
  let keys: FakeApiKeys;
  let evicted: string[];
  let published: string[];
  let publishFails: boolean;
  let sut: KeysService;

  beforeEach(() => {
    keys = new FakeApiKeys();
    evicted = [];
    published = [];
    publishFails = false;
    const cache = { evict: (id: string) => evicted.push(id) };
    const revocations = {
      publish: (id: string) => {
        if (publishFails) {
          return Promise.reject(new Error('redis is down'));
        }
        published.push(id);
        return Promise.resolve();
      },
    };
    sut = new KeysService(
      keys as unknown as ApiKeyRepository,
      cache as unknown as VerifiedKeyCache,
      revocations as unknown as KeyRevocationBus,
      silent as unknown as PinoLogger,
    );
  });

  describe('create', () => {
    it("should create a key in the caller's namespace and record key.created without the secret", async () => {
      const { record, key } = await sut.create(admin, { name: 'deploy', scopes: ['jobs:write', 'jobs:write'] });

      expect(record).toMatchObject({ namespace: 'acme', scopes: ['jobs:write'], createdBy: admin.keyId });
      expect(keys.audit).toEqual([
        expect.objectContaining({ action: 'key.created', target: { type: 'key', id: record.id }, before: null }),
      ]);
      expect(JSON.stringify(keys.audit)).not.toContain(key);
    });

    it('should refuse another namespace unless the caller is the bootstrap key', async () => {
      await expect(sut.create(admin, { name: 'x', scopes: ['admin'], namespace: 'other' })).rejects.toThrow(
        InsufficientScopeError,
      );

      const { record } = await sut.create(
        { ...admin, root: true },
        { name: 'x', scopes: ['admin'], namespace: 'other' },
      );
      expect(record.namespace).toBe('other');
    });

    it('should refuse the operator scope outside namespace default, and to a non-operator', async () => {
      await expect(sut.create(admin, { name: 'x', scopes: ['operator'] })).rejects.toThrow(ValidationError);
      await expect(sut.create({ ...admin, namespace: 'default' }, { name: 'x', scopes: ['operator'] })).rejects.toThrow(
        InsufficientScopeError,
      );
      expect(keys.keys).toEqual([]);
    });
  });

  describe('revoke', () => {
    it('should revoke, forget the key here, tell the other processes, and record key.revoked', async () => {
      const { record } = await sut.create(admin, { name: 'deploy', scopes: ['jobs:read'] });

      await sut.revoke(admin, record.id);

      expect(evicted).toEqual([record.id]);
      expect(published).toEqual([record.id]);
      expect(keys.audit.at(-1)).toMatchObject({
        action: 'key.revoked',
        before: { revokedAt: null },
        after: { revokedAt: expect.any(String) },
      });
    });

    it('should hold the revocation when Redis cannot tell the other processes', async () => {
      const { record } = await sut.create(admin, { name: 'deploy', scopes: ['jobs:read'] });
      publishFails = true;

      await sut.revoke(admin, record.id);

      expect(keys.keys[0]?.revokedAt).not.toBeNull();
      expect(evicted).toEqual([record.id]);
    });

    it("should answer ApiKeyNotFoundError for another namespace's key", async () => {
      const { record } = await sut.create({ ...admin, namespace: 'other' }, { name: 'x', scopes: ['jobs:read'] });

      await expect(sut.revoke(admin, record.id)).rejects.toThrow(new ApiKeyNotFoundError(record.id));
      expect(evicted).toEqual([]);
    });
  });
});

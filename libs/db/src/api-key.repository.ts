import { generateApiKey, newId, type Scope } from '@meridian/domain';

import type { Database } from './prisma-client.factory.js';

export interface ApiKeyRecord {
  id: string;
  namespace: string;
  name: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** API keys: created (the key returned once), looked up by id to authenticate, listed, revoked. */
export class ApiKeyRepository {
  constructor(private readonly db: Database) {}

  async create(input: {
    namespace: string;
    name: string;
    scopes: Scope[];
    createdBy: string;
  }): Promise<{ record: ApiKeyRecord; key: string }> {
    const id = newId();
    const { key, secretHash } = generateApiKey(id);
    const row = await this.db.apiKey.create({ data: { id, ...input, secretHash } });
    return { record: toRecord(row), key };
  }

  /** A key that has not been revoked, with its secret's hash, for authentication. */
  async findActive(id: string): Promise<(ApiKeyRecord & { secretHash: string }) | null> {
    const row = await this.db.apiKey.findFirst({ where: { id, revokedAt: null } });
    return row === null ? null : { ...toRecord(row), secretHash: row.secretHash };
  }

  async list(namespace: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.apiKey.findMany({ where: { namespace }, orderBy: { id: 'asc' } });
    return rows.map(toRecord);
  }

  /** Revokes a key of `namespace`; false when there is no such key there. Revoking twice is fine. */
  async revoke(namespace: string, id: string, now: Date = new Date()): Promise<boolean> {
    const key = await this.db.apiKey.findFirst({ where: { id, namespace } });
    if (key === null) {
      return false;
    }
    if (key.revokedAt === null) {
      await this.db.apiKey.update({ where: { id }, data: { revokedAt: now } });
    }
    return true;
  }
}

function toRecord(row: {
  id: string;
  namespace: string;
  name: string;
  scopes: string[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}): ApiKeyRecord {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    scopes: row.scopes as Scope[],
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}

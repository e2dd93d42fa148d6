import { generateApiKey, newId, type Scope } from '@meridian/domain';

import { appendAuditEntries, type AuditOf } from './internal/audit-entries.js';
import type { Database } from './postgres.js';
import { type SqlClient, type Statement, statementsIn } from './sql-client.js';

export interface ApiKeyRecord {
  id: string;
  namespace: string;
  name: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Inputs: key id. Output: the key's row when it exists and is not revoked. Read-only. */
const FIND_ACTIVE: Statement = {
  name: 'meridian_find_active_api_key',
  text: `SELECT id, namespace, name, secret_hash AS "secretHash", scopes, created_by AS "createdBy",
                created_at AS "createdAt", revoked_at AS "revokedAt"
           FROM api_keys WHERE id = $1 AND revoked_at IS NULL`,
};

/** API keys: created (the key returned once), looked up by id to authenticate, listed, revoked. */
export class ApiKeyRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /** A new key, returned once; `audit` makes the entry from its record, written in the same transaction. */
  async create(
    input: {
      namespace: string;
      name: string;
      scopes: Scope[];
      createdBy: string;
    },
    audit?: AuditOf<ApiKeyRecord>,
    now: Date = new Date(),
  ): Promise<{ record: ApiKeyRecord; key: string }> {
    const id = newId();
    const { key, secretHash } = generateApiKey(id);
    const record = await this.db.$transaction(async (tx) => {
      const created = toRecord(await tx.apiKey.create({ data: { id, ...input, secretHash, createdAt: now } }));
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit(created)], now);
      }
      return created;
    });
    return { record, key };
  }

  /** A key that has not been revoked, with its secret's hash, for authentication. */
  async findActive(id: string): Promise<(ApiKeyRecord & { secretHash: string }) | null> {
    const [row] = await this.sql.query<Parameters<typeof toRecord>[0] & { secretHash: string }>(FIND_ACTIVE, [id]);
    return row === undefined ? null : { ...toRecord(row), secretHash: row.secretHash };
  }

  async list(namespace: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.apiKey.findMany({ where: { namespace }, orderBy: { id: 'asc' } });
    return rows.map(toRecord);
  }

  /**
   * Revokes a key of `namespace`; false when there is no such key there. Revoking twice is fine.
   * `audit` makes the entry from the key before and after, written in the same transaction.
   */
  async revoke(
    namespace: string,
    id: string,
    audit?: AuditOf<{ before: ApiKeyRecord; after: ApiKeyRecord }>,
    now: Date = new Date(),
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const key = await tx.apiKey.findFirst({ where: { id, namespace } });
      if (key === null) {
        return false;
      }
      const revoked =
        key.revokedAt === null ? await tx.apiKey.update({ where: { id }, data: { revokedAt: now } }) : key;
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit({ before: toRecord(key), after: toRecord(revoked) })], now);
      }
      return true;
    });
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

import { newId, toStorableJson } from '@meridian/domain';

import { decodeCursor, toPage } from './pagination.js';
import type { Database } from './postgres.js';
import type { Page } from './records.js';
import type { SqlClient, Statement } from './sql-client.js';

export interface AuditRecord {
  id: string;
  namespace: string;
  actor: { keyId: string; name: string };
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  at: Date;
}

export type NewAuditEntry = Omit<AuditRecord, 'id' | 'at'>;

/**
 * Appends audit entries: one array per column ($1–$10), aligned by entry; `before` and `after` are
 * JSON text or NULL. Insert only, no locks beyond the new rows.
 */
const APPEND_ENTRIES: Statement = {
  name: 'meridian_audit_append',
  text: `
    INSERT INTO audit_entries (id, namespace, actor_key_id, actor_name, action, target_type, target_id, before, after, at)
    SELECT id, namespace, actor_key_id, actor_name, action, target_type, target_id, before::jsonb, after::jsonb, at
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::text[], $10::timestamptz[])
        AS t(id, namespace, actor_key_id, actor_name, action, target_type, target_id, before, after, at)`,
};

const jsonText = (value: unknown) => (value === undefined || value === null ? null : toStorableJson(value));

/** The audit log: appended to after each change made through the API, read newest first. */
export class AuditRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /** Appends entries, in one statement; each keeps the time it was made. */
  async append(entries: readonly (NewAuditEntry & { at: Date })[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    await this.sql.query(APPEND_ENTRIES, [
      entries.map(() => newId()),
      entries.map((entry) => entry.namespace),
      entries.map((entry) => entry.actor.keyId),
      entries.map((entry) => entry.actor.name),
      entries.map((entry) => entry.action),
      entries.map((entry) => entry.target.type),
      entries.map((entry) => entry.target.id),
      entries.map((entry) => jsonText(entry.before)),
      entries.map((entry) => jsonText(entry.after)),
      entries.map((entry) => entry.at),
    ]);
  }

  /** Newest first, keyset-paged; optionally one action or one target's entries only. */
  async list(filter: {
    namespace: string;
    action?: string;
    targetId?: string;
    cursor?: string;
    limit: number;
  }): Promise<Page<AuditRecord>> {
    const before = decodeCursor(filter.cursor);
    const rows = await this.db.auditEntry.findMany({
      where: {
        namespace: filter.namespace,
        ...(filter.action === undefined ? {} : { action: filter.action }),
        ...(filter.targetId === undefined ? {} : { targetId: filter.targetId }),
        ...(before === undefined ? {} : { id: { lt: before } }),
      },
      orderBy: { id: 'desc' },
      take: filter.limit + 1,
    });
    return toPage(rows, filter.limit, (row) => ({
      id: row.id,
      namespace: row.namespace,
      actor: { keyId: row.actorKeyId, name: row.actorName },
      action: row.action,
      target: { type: row.targetType, id: row.targetId },
      before: row.before,
      after: row.after,
      at: row.at,
    }));
  }
}

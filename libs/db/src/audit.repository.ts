import { appendAuditRows, type NewAuditEntry, toAuditRow } from './internal/audit-entries.js';
import { decodeCursor, toPage } from './internal/pagination.js';
import type { Database } from './postgres.js';
import type { Page } from './records.js';
import type { SqlClient } from './sql-client.js';

/** A stored entry: the change's own description, with its id and the instant it was recorded. */
export interface AuditRecord extends NewAuditEntry {
  id: string;
  at: Date;
}

/**
 * The audit log, read newest first. Changes write their entries in their own transactions (see
 * AuditOf); what is appended here alone records no change (a refused request).
 */
export class AuditRepository {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
  ) {}

  /** Appends entries that record no change, in one statement; each keeps the instant it was made. */
  async append(entries: readonly (NewAuditEntry & { at: Date })[]): Promise<void> {
    await appendAuditRows(
      this.sql,
      entries.map((entry) => toAuditRow(entry, entry.at)),
    );
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

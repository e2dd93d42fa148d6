import { newId } from '@meridian/domain';

import { Prisma } from '../generated/client/index.js';
import { decodeCursor, toPage } from './pagination.js';
import type { Database } from './postgres.js';
import type { Page } from './records.js';

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

const json = (value: unknown) =>
  value === undefined || value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);

/** The audit log: appended to after each change made through the API, read newest first. */
export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Appends entries, in one statement; each keeps the time it was made. */
  async append(entries: readonly (NewAuditEntry & { at: Date })[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    await this.db.auditEntry.createMany({
      data: entries.map((entry) => ({
        id: newId(),
        namespace: entry.namespace,
        actorKeyId: entry.actor.keyId,
        actorName: entry.actor.name,
        action: entry.action,
        targetType: entry.target.type,
        targetId: entry.target.id,
        before: json(entry.before),
        after: json(entry.after),
        at: entry.at,
      })),
    });
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

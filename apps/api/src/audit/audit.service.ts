import { AuditRepository, type Page } from '@meridian/db';
import { Injectable } from '@nestjs/common';

import { type AuditEntryView, toAuditEntryView } from './dto/audit-entry.view.js';
import type { AuditLogQuery } from './dto/audit-log.query.js';

/** A namespace's audit log, as its admins read it. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** A page of `namespace`'s entries, newest first, of one action or one target if the query names it. */
  async list(namespace: string, { cursor, limit, action, targetId }: AuditLogQuery): Promise<Page<AuditEntryView>> {
    const page = await this.audit.list({
      namespace,
      limit,
      ...(cursor === undefined ? {} : { cursor }),
      ...(action === undefined ? {} : { action }),
      ...(targetId === undefined ? {} : { targetId }),
    });
    return { items: page.items.map(toAuditEntryView), nextCursor: page.nextCursor };
  }
}

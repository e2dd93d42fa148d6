import { describe, expect, it } from '@jest/globals';
import type { AuditRecord, AuditRepository } from '@meridian/db';
import { newId } from '@meridian/domain';

import { AuditService } from './audit.service.js';

/** The audit log in memory, newest first, filtered as AuditRepository.list filters it. */
class FakeAuditLog {
  readonly entries: AuditRecord[] = [];
  readonly filters: unknown[] = [];

  list(filter: { namespace: string; action?: string; targetId?: string; cursor?: string; limit: number }) {
    this.filters.push(filter);
    const items = this.entries.filter(
      (entry) =>
        entry.namespace === filter.namespace &&
        (filter.action === undefined || entry.action === filter.action) &&
        (filter.targetId === undefined || entry.target.id === filter.targetId),
    );
    return Promise.resolve({ items: items.slice(0, filter.limit), nextCursor: null });
  }
}

function anEntry(namespace: string, action: string): AuditRecord {
  return {
    id: newId(),
    namespace,
    actor: { keyId: newId(), name: 'ops' },
    action,
    target: { type: 'job', id: newId() },
    before: null,
    after: { status: 'PENDING' },
    at: new Date('2026-01-01T00:00:00Z'),
  };
}

describe(AuditService.name, () => {
  it("should list the namespace's entries of one action, without their namespace", async () => {
    const log = new FakeAuditLog();
    const paused = anEntry('acme', 'job.paused');
    log.entries.push(paused, anEntry('acme', 'job.created'), anEntry('other', 'job.paused'));
    const sut = new AuditService(log as unknown as AuditRepository);

    const page = await sut.list('acme', { limit: 20, action: 'job.paused' });

    expect(page).toEqual({
      items: [
        {
          id: paused.id,
          actor: paused.actor,
          action: 'job.paused',
          target: paused.target,
          before: null,
          after: { status: 'PENDING' },
          at: '2026-01-01T00:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
    expect(log.filters).toEqual([{ namespace: 'acme', limit: 20, action: 'job.paused' }]);
  });
});

import type { AuditRecord } from '@meridian/db';
import { z } from 'zod';

export const auditEntryViewSchema = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  actor: z.object({ keyId: z.string(), name: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;

export const auditLogPageSchema = z.object({ items: z.array(auditEntryViewSchema), nextCursor: z.string().nullable() });

/** An entry as the API shows it: without its namespace, which is the caller's. */
export function toAuditEntryView({ namespace: _namespace, at, ...entry }: AuditRecord): AuditEntryView {
  return { ...entry, at: at.toISOString() };
}

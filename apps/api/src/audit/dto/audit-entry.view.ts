import type { AuditRecord } from '@meridian/db';
import { z } from 'zod';

export const auditEntryViewSchema = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  actor: z.object({ keyId: z.string(), name: z.string() }).describe('The key that made the request'),
  action: z.string().describe('e.g. job.created, job.paused, execution.retried, key.revoked, auth.refused'),
  target: z
    .object({ type: z.string(), id: z.string() })
    .describe('What was changed: a job, execution, workflow, key …'),
  before: z.unknown().describe('The target before the change, as the API shows it (secrets redacted); null if none'),
  after: z.unknown().describe('The target after it, or what the change answered; null if deleted'),
});
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;

export const auditLogPageSchema = z.object({
  items: z.array(auditEntryViewSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null after the last'),
});

/** An entry as the API shows it: without its namespace, which is the caller's. */
export function toAuditEntryView({ namespace: _namespace, at, ...entry }: AuditRecord): AuditEntryView {
  return { ...entry, at: at.toISOString() };
}

import type { NewAuditEntry } from '@meridian/db';
import type { Principal } from '@meridian/domain';

/** What a change made through the API is recorded as. */
export type AuditAction =
  | 'job.created'
  | 'job.batch_created'
  | 'job.updated'
  | 'job.paused'
  | 'job.resumed'
  | 'job.triggered'
  | 'job.backfilled'
  | 'job.cancelled'
  | 'job.deleted'
  | 'execution.retried'
  | 'workflow.created'
  | 'workflow.cancelled'
  | 'key.created'
  | 'key.revoked'
  | 'webhook_secret.rotated'
  | 'namespace.limits_set'
  | 'namespace.http_allowed_targets_set';

/** What a change is made to: a job, an execution, a workflow, a key, or a namespace itself. */
export interface AuditTarget {
  type: 'job' | 'execution' | 'workflow' | 'key' | 'namespace';
  id: string;
}

/**
 * The audit entry of a change that `by` made, in their namespace: the target as the API shows it
 * before (null for a create) and after (null for a delete). The repository that makes the change
 * writes it in the change's transaction, redacted (see redactAuditTarget).
 */
export function auditEntry(
  by: Principal,
  action: AuditAction,
  target: AuditTarget,
  before: unknown,
  after: unknown,
): NewAuditEntry {
  return {
    namespace: by.namespace,
    actor: { keyId: by.keyId, name: by.keyName },
    action,
    target,
    before,
    after,
  };
}

import { SetMetadata } from '@nestjs/common';

export const AUDITED = 'meridian:audited';

/** What a route changes: a job, an execution, a workflow, a key, or the namespace itself. */
export type AuditTarget = 'job' | 'execution' | 'workflow' | 'key' | 'namespace';

export interface AuditedRoute {
  /** `job.created`, `job.paused`, `key.revoked`, ... */
  action: string;
  target: AuditTarget;
}

/** Records each successful call of the route in the audit log (see AuditInterceptor). */
export const Audited = (action: string, target: AuditTarget) => SetMetadata(AUDITED, { action, target });

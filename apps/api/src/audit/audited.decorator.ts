import { SetMetadata } from '@nestjs/common';

export const AUDITED = 'meridian:audited';

/** What a route changes: a job, an execution, a workflow, a key, or the namespace itself. */
export type AuditTarget = 'job' | 'execution' | 'workflow' | 'key' | 'namespace';

export interface AuditedRoute {
  /** `job.created`, `job.paused`, `key.revoked`, ... */
  action: string;
  target: AuditTarget;
  /**
   * What the entry records as `after`, from the route's answer (a batch's job ids rather than its
   * thousand jobs). @defaultValue the answer itself
   */
  after?: (answer: unknown) => unknown;
}

/** Records each successful call of the route in the audit log (see AuditInterceptor). */
export const Audited = (action: string, target: AuditTarget, options: Pick<AuditedRoute, 'after'> = {}) =>
  SetMetadata(AUDITED, { action, target, ...options } satisfies AuditedRoute);

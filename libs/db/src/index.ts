export * from './api-key.repository.js';
export * from './audit.repository.js';
export * from './child-job.repository.js';
export * from './database-unavailable.js';
export * from './dependency.repository.js';
export * from './execution.repository.js';
export * from './group-commit.js';
export * from './health.repository.js';
export * from './job.repository.js';
export * from './namespace.repository.js';
export * from './occurrence.repository.js';
export * from './outbox.repository.js';
export * from './overview.repository.js';
export * from './postgres.js';
export * from './records.js';
export * from './recurring-job.repository.js';
export * from './sql-client.js';
export * from './workflow.repository.js';
// Types the repositories' methods take. The modules under internal/ are SQL that several
// repositories share, not part of the package's surface.
export type { AuditActor, AuditOf, NewAuditEntry } from './internal/audit-entries.js';
export type { AttemptResult } from './internal/execution-transitions.js';

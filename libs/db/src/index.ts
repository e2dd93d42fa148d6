export * from './execution.repository.js';
export * from './health.repository.js';
export * from './job.repository.js';
export * from './occurrence-ledger.repository.js';
export * from './outbox.repository.js';
export * from './prisma-client.factory.js';
export * from './records.js';
export * from './unfinished-executions.js';

export * from './background-loop.js';
export * from './bootstrap.js';
export * from './connections.lifecycle.js';
export * from './log-redaction.js';
export * from './outage-backoff.js';
export * from './redis-health.repository.js';
export * from './runtime.module.js';
export * from './tokens.js';

export * from './background-loop.js';
export * from './bootstrap.js';
export * from './connections.lifecycle.js';
export * from './dependency-settler.js';
export * from './redis-health.repository.js';
export * from './runtime.module.js';
export * from './tokens.js';
export * from './webhook-signer.js';

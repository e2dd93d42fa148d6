export * from './api-client.js';
export * from './app-process.js';
export * from './factories.js';
export * from './harness.js';
export * from './http-target.js';
export * from './redis-command-counter.js';
export * from './use-stack.js';
export * from './wait-for.js';

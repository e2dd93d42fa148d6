export * from './builtin-handlers.js';
export * from './deny-table.js';
export * from './http.handler.js';
export * from './namespace-target-guards.js';
export * from './noop.handler.js';
export * from './sleep.handler.js';
export * from './target-guard.js';

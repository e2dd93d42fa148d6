export * from './builtin-handlers.js';
export * from './http.handler.js';
export * from './noop.handler.js';
export * from './sleep.handler.js';
export * from './target-guard.js';

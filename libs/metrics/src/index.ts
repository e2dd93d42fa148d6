export * from './http-metrics.middleware.js';
export * from './metric-catalog.js';
export * from './metric-registry.js';
export * from './metrics.module.js';
export * from './probe-server.js';
export * from './readiness.js';

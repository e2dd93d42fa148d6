// The parts of the test kit that run outside Jest too (the benchmark): databases, Redis prefixes and
// the apps as processes. Jest's own hooks (useStack) are only in the package's main entry.
export { default as createTemplateDatabase } from './global-setup.js';
export * from './test-database.js';
export * from './test-env.js';
export * from './test-redis.js';
export * from './test-stack.js';

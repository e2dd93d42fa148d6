export * from './api-client.js';
export * from './app-process.js';
export { default as createTemplateDatabase } from './global-setup.js';
export * from './http-target.js';
export * from './test-database.js';
export * from './test-env.js';
export * from './test-redis.js';
export * from './test-stack.js';
export * from './wait-for.js';

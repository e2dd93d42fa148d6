export * from './cancellation-bus.js';
export * from './execution-queue.gateway.js';
export * from './job-catalog.js';
export * from './redis-connection.factory.js';

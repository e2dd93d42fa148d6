export * from './cancellation-bus.js';
export * from './cancellation-notifier.js';
export * from './execution-queue.gateway.js';
export * from './job-catalog.js';
export * from './key-revocation-bus.js';
export * from './namespace-admission.js';
export * from './redis-channel.js';
export * from './redis-connection.factory.js';

export * from './cron-expression.js';
export * from './interval.js';
export * from './jitter.js';
export * from './occurrence-plan.js';
export * from './schedule.js';
export * from './schedule-request.js';
export * from './time-zone.js';

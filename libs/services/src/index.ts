export * from './cancellation.service.js';
export * from './dependency-settler.js';

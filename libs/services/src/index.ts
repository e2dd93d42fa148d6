export * from './cancellation.service.js';
export * from './dependency-settler.js';
export * from './services.module.js';

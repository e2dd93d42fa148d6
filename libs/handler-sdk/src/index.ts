export * from './child-jobs.js';
export * from './define-handler.js';
export * from './handler-context.js';
export * from './handler-registry.js';
export * from './webhook-signature.js';
export { HandlerError } from '@meridian/domain';

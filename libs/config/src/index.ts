export * from './cidr.js';
export * from './config.schema.js';
export * from './load-config.js';

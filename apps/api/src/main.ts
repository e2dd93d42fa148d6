import { startTracing } from '@meridian/tracing';

// Tracing (when configured) starts before the api is imported, so its instrumentations patch
// http, express, pg and ioredis before anything loads them.
await startTracing('api');
await import('./start.js');

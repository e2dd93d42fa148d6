import { startTracing } from '@meridian/tracing';

// Tracing (when configured) starts before the worker is imported, so its instrumentations patch
// http, express, pg and ioredis before anything loads them.
await startTracing('worker');
await import('./start.js');

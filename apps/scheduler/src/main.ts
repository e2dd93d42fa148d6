import { startTracing } from '@meridian/tracing';

// Tracing (when configured) starts before the scheduler is imported, so its instrumentations patch
// http, express, pg and ioredis before anything loads them.
await startTracing('scheduler');
await import('./start.js');

// Everything of the client that runs in a browser as well as in Node.js: the webhook helpers, which
// need node:crypto, are only in the package's main entry.
export * from './api-types.js';
export * from './create-job-and-wait.js';
export * from './execution-status.js';
export type { components, operations, paths } from './generated/openapi.js';
export * from './iterate-pages.js';
export * from './meridian-api.error.js';
export * from './meridian-client.js';
export * from './meridian-network.error.js';
export * from './read-execution.js';
export * from './unwrap.js';
export {
  DEFAULT_WAIT_INTERVAL_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  waitForExecution,
  type WaitOptions,
} from './wait-for-execution.js';
export * from './wait-timeout.error.js';

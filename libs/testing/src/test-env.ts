export { adminDatabaseUrl, databaseUrl, templateDatabase } from './global-setup.js';

/** The test Redis: the local one, unless TEST_REDIS_URL says otherwise. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The repository root, for spawning the built apps. */
export const REPOSITORY_ROOT = new URL('../../../', import.meta.url).pathname;

import { jest } from '@jest/globals';

// A test on real Postgres, Redis and processes waits on them, and CI runs them on two cores beside
// each other: its time limit guards against a hang, not a slow machine, and never measures speed.
// Set here because jest ignores `testTimeout` inside a project's config (jestjs/jest#9759).
jest.setTimeout(30_000);

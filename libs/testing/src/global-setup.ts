import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import pg from 'pg';

// Jest loads a global setup outside its module mapping, so this file imports nothing of ours;
// test-env.ts re-exports what it defines.

/** The migrated database every test file clones. */
export const TEMPLATE_DATABASE = 'meridian_test_template';

/** A database on the test Postgres: the local one, unless TEST_DATABASE_URL says otherwise. */
export function databaseUrl(name: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return url.toString();
}

export function adminDatabaseUrl(): string {
  return databaseUrl('postgres');
}

/**
 * Runs once per test run: builds the migrated template that every test file clones with
 * CREATE DATABASE ... TEMPLATE, so each file gets a fresh, isolated database in milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  } finally {
    await client.end();
  }
  // Jest runs from the repository root.
  execFileSync(join(process.cwd(), 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: databaseUrl(TEMPLATE_DATABASE) },
    stdio: 'pipe',
  });
}

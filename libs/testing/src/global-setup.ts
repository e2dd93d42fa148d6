import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import pg from 'pg';

// Jest loads a global setup outside its module mapping, so this file imports nothing of ours;
// test-env.ts re-exports what it defines.

/**
 * The migrated database every test file of this run clones. Named per run (the global setup puts
 * the name in the environment the test workers inherit), so two test runs on one machine never
 * drop each other's template.
 */
export function templateDatabase(): string {
  const name = process.env.MERIDIAN_TEST_TEMPLATE;
  if (name === undefined) {
    throw new Error('MERIDIAN_TEST_TEMPLATE is not set: run the tests through jest, whose global setup makes it');
  }
  return name;
}

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
  const template = `meridian_test_template_${process.pid}_${Date.now().toString(36)}`;
  process.env.MERIDIAN_TEST_TEMPLATE = template;
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${template}"`);
  } finally {
    await client.end();
  }
  // Jest runs from the repository root.
  execFileSync(join(process.cwd(), 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: databaseUrl(template) },
    stdio: 'pipe',
  });
}

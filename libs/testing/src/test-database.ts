import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { adminDatabaseUrl, databaseUrl, templateDatabase } from './test-env.js';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A database of this test file's own, cloned from the migrated template built by the global setup. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `meridian_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  // Two clones of one template at the same instant can collide on the template's lock; retry briefly.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`));
      break;
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('is being accessed by other users')) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

// Empty databases of the benchmark's own for the Postgres-backed peers, dropped after each run.
import { randomUUID } from 'node:crypto';

import { adminDatabaseUrl, databaseUrl } from '@meridian/testing/harness';
import pg from 'pg';

import { onCleanup } from './cleanup.mjs';

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `bench_<label>_<random>`, runs `use(url)`, then drops it. */
export async function withFreshDatabase(label, use) {
  const name = `bench_${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const drop = () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  const removeCleanup = onCleanup(drop);
  await admin(`CREATE DATABASE "${name}"`);
  try {
    return await use(databaseUrl(name));
  } finally {
    await drop();
    removeCleanup();
  }
}

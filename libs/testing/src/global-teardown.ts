import pg from 'pg';

// Loaded by jest outside its module mapping, like the global setup: no imports of ours.

/** Drops this run's template database. Clones made from it were dropped by their test files. */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.MERIDIAN_TEST_TEMPLATE;
  if (template === undefined) {
    return;
  }
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, FaultProxy, proxiedUrl, type TestDatabase } from '@meridian/testing';

import { isDatabaseUnavailable } from './database-unavailable.js';
import { connectPostgres, type Postgres } from './postgres.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;
/** Far longer than a query on a healthy local Postgres takes; a query still waiting then never gets a connection. */
const DEADLINE_MS = 10_000;

const SLEEP = { name: 'meridian_test_sleep', text: 'SELECT pg_sleep(5)' };
const SLEEP_A_SECOND = { name: 'meridian_test_sleep_a_second', text: 'SELECT pg_sleep(1)' };

async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A connection lost under a transaction: the pool must get its connection back and the process live on. */
describe(connectPostgres.name, () => {
  let database: TestDatabase;
  let proxy: FaultProxy;
  let postgres: Postgres;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    proxy = await FaultProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    // One connection: one that leaked would leave every later query waiting forever.
    postgres = connectPostgres({ url: proxiedUrl(database.url, proxy), poolSize: 1 });
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    proxy.restore();
    await postgres.close();
    await proxy.close();
    await database.drop();
  });

  /** Cuts the proxy while `work` runs a statement, then restores it; returns how `work` failed. */
  async function cutUnder(work: () => Promise<unknown>): Promise<unknown> {
    const failure = work().then(
      () => new Error('expected the work to fail'),
      (error: unknown) => error,
    );
    await sleep(300);
    proxy.cut();
    const error = await failure;
    proxy.restore();
    return error;
  }

  it('should get back the connection of a Prisma transaction whose connection was lost', async () => {
    const error = await cutUnder(() => postgres.prisma.$transaction((tx) => tx.$queryRaw`SELECT pg_sleep(5)`));

    expect(isDatabaseUnavailable(error)).toBe(true);
    await expect(within(postgres.prisma.$queryRaw`SELECT 1 AS one`, 'a query after the loss')).resolves.toEqual([
      { one: 1 },
    ]);
  });

  it('should survive a connection lost under a plain SQL transaction, and get the connection back', async () => {
    const error = await cutUnder(() => postgres.sql.transaction((tx) => tx.query(SLEEP, [])));

    expect(isDatabaseUnavailable(error)).toBe(true);
    await expect(
      within(
        postgres.prisma.$transaction((tx) => tx.$queryRaw`SELECT 1 AS one`),
        'a transaction after the loss',
      ),
    ).resolves.toEqual([{ one: 1 }]);
  });
});

describe('a pool with no connection free', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await database.drop();
  });

  it('should fail a query that waited connectTimeoutMs for a connection as an unavailable database', async () => {
    const postgres = connectPostgres({ url: database.url, poolSize: 1, connectTimeoutMs: 200 });
    try {
      const holding = postgres.sql.transaction((tx) => tx.query(SLEEP_A_SECOND, []));
      await sleep(50);

      const error = await postgres.sql
        .transaction((tx) => tx.query(SLEEP_A_SECOND, []))
        .then(
          () => new Error('expected the query to wait in vain'),
          (failure: unknown) => failure,
        );

      expect(isDatabaseUnavailable(error)).toBe(true);
      await holding;
    } finally {
      await postgres.close();
    }
  });
});

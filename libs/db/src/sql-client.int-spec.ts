import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@meridian/testing';

import { connectPostgres, type Postgres } from './postgres.js';
import { isRetryableConflict, retryOnConflict } from './sql-client.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

describe('retryOnConflict', () => {
  let database: TestDatabase;
  let postgres: Postgres;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 4 });
    await postgres.prisma.$executeRawUnsafe('CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)');
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  async function reset() {
    await postgres.prisma.$executeRawUnsafe('TRUNCATE counters');
    await postgres.prisma.$executeRawUnsafe('INSERT INTO counters VALUES (1, 0), (2, 0)');
  }

  /** A Prisma transaction that locks `first`, waits, then `second`: two in opposite orders deadlock. */
  const crossing = (first: number, second: number) => () =>
    postgres.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE counters SET n = n + 1 WHERE id = ${first}`;
      await sleep(100);
      await tx.$executeRaw`UPDATE counters SET n = n + 1 WHERE id = ${second}`;
    });

  it('should recognise a deadlock that Prisma passes on from its driver adapter', async () => {
    await reset();

    const outcomes = await Promise.allSettled([crossing(1, 2)(), crossing(2, 1)()]);

    const failed = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(failed).toHaveLength(1);
    expect(isRetryableConflict(failed[0])).toBe(true);
  });

  it('should run a Prisma transaction again after a deadlock, so both sides commit once', async () => {
    await reset();

    await Promise.all([retryOnConflict(crossing(1, 2), 3), retryOnConflict(crossing(2, 1), 3)]);

    const rows = await postgres.prisma.$queryRawUnsafe<{ n: number }[]>('SELECT n FROM counters ORDER BY id');
    expect(rows.map((row) => row.n)).toEqual([2, 2]);
  });

  it('should not run again after an error that a repeat cannot cure', async () => {
    let runs = 0;
    const failing = async () => {
      runs += 1;
      await postgres.prisma.$executeRawUnsafe('SELECT 1/0');
    };

    await expect(retryOnConflict(failing, 3)).rejects.toThrow();
    expect(runs).toBe(1);
  });
});

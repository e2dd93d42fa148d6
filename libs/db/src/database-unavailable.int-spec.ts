import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@meridian/testing';

import { isDatabaseUnavailable } from './database-unavailable.js';
import { connectPostgres, type Postgres } from './postgres.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

const SELECT_ONE = { name: 'meridian_test_select_one', text: 'SELECT 1 AS one' };

/** The error `work` rejects with (the test fails should it resolve). */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail');
}

describe(isDatabaseUnavailable.name, () => {
  let database: TestDatabase;
  let postgres: Postgres;
  /** Accepts connections and drops each at once, as a Postgres that went away mid-handshake. */
  let dropping: Server;
  let droppingPort: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 4 });
    dropping = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    droppingPort = (dropping.address() as { port: number }).port;
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await postgres.close();
    await database.drop();
    await new Promise((resolve) => dropping.close(resolve));
  });

  /** A pool pointed at a port nothing listens on: every connection is refused. */
  function refusedPool(): Postgres {
    const url = new URL(database.url);
    url.port = '1';
    return connectPostgres({ url: url.toString(), poolSize: 1 });
  }

  function droppedPool(): Postgres {
    const url = new URL(database.url);
    url.port = String(droppingPort);
    return connectPostgres({ url: url.toString(), poolSize: 1 });
  }

  it('should recognise a refused connection, through plain SQL and through Prisma', async () => {
    const refused = refusedPool();
    try {
      expect(isDatabaseUnavailable(await failureOf(() => refused.sql.query(SELECT_ONE, [])))).toBe(true);
      expect(isDatabaseUnavailable(await failureOf(() => refused.prisma.$queryRaw`SELECT 1`))).toBe(true);
      expect(isDatabaseUnavailable(await failureOf(() => refused.prisma.job.findFirst()))).toBe(true);
      expect(
        isDatabaseUnavailable(await failureOf(() => refused.prisma.$transaction((tx) => tx.job.findFirst()))),
      ).toBe(true);
    } finally {
      await refused.close();
    }
  });

  it('should recognise a connection dropped before Postgres answered', async () => {
    const dropped = droppedPool();
    try {
      expect(isDatabaseUnavailable(await failureOf(() => dropped.sql.query(SELECT_ONE, [])))).toBe(true);
      expect(isDatabaseUnavailable(await failureOf(() => dropped.prisma.job.findFirst()))).toBe(true);
    } finally {
      await dropped.close();
    }
  });

  it('should recognise a session that Postgres terminated under a running query (57P01)', async () => {
    const victim = connectPostgres({ url: database.url, poolSize: 1 });
    try {
      const [backend] = await victim.sql.query<{ pid: number }>(
        { name: 'meridian_test_backend_pid', text: 'SELECT pg_backend_pid() AS pid' },
        [],
      );
      const pid = backend?.pid ?? -1;
      const sleeping = failureOf(() => victim.prisma.$queryRaw`SELECT pg_sleep(30)`);
      // Wait until the sleep runs, so the terminate lands under it.
      for (;;) {
        const active = await postgres.prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid} AND state = 'active'`;
        if (active[0]?.n === 1) {
          break;
        }
        await sleep(10);
      }
      await postgres.prisma.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
      expect(isDatabaseUnavailable(await sleeping)).toBe(true);
    } finally {
      await victim.close();
    }
  });

  it('should not take an error of the statement itself for an outage', async () => {
    const syntax = await failureOf(() => postgres.sql.query({ name: 'meridian_test_bad', text: 'SELEC 1' }, []));
    const divide = await failureOf(() => postgres.prisma.$queryRaw`SELECT 1 / 0`);
    const missing = await failureOf(() => postgres.prisma.$queryRaw`SELECT * FROM no_such_table`);

    expect([syntax, divide, missing].map(isDatabaseUnavailable)).toEqual([false, false, false]);
  });
});

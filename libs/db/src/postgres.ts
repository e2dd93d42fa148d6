import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../generated/client/index.js';
import { SqlClient } from './sql-client.js';

export interface DatabaseOptions {
  /** postgresql:// connection string. */
  url: string;
  /** Connections in this process's pool, shared by Prisma and the hot-path statements. @defaultValue 10 */
  poolSize?: number;
  /**
   * How long a query waits for a pooled connection, or for a new one to be made, before it fails
   * (an error that `isDatabaseUnavailable` recognises). @defaultValue 10000
   */
  connectTimeoutMs?: number;
}

export type Database = PrismaClient;

/**
 * A pool whose checked-out clients give themselves back, as broken, when their connection is lost.
 * pg leaves a checked-out client without an 'error' listener (a lost connection would then end the
 * process), and Prisma's driver adapter never releases the client of an interactive transaction
 * whose connection died under it: each such loss would keep one of the pool's few connections
 * forever, until no query could get one. Releasing twice is harmless here: only the first counts.
 */
class SelfReleasingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback !== undefined) {
      // pool.query's own path, which listens for errors and releases by itself.
      super.connect(callback);
      return;
    }
    return super.connect().then(releaseWhenLost);
  }
}

function releaseWhenLost(client: pg.PoolClient): pg.PoolClient {
  const release = client.release.bind(client);
  let released = false;
  const onLost = (error: Error) => client.release(error);
  client.release = (error?: Error | boolean) => {
    if (!released) {
      released = true;
      client.removeListener('error', onLost);
      release(error);
    }
  };
  client.on('error', onLost);
  return client;
}

/** One process's way to Postgres: Prisma for the schema-shaped reads, plain SQL for the hot path. */
export interface Postgres {
  prisma: Database;
  sql: SqlClient;
  /** The pool's connections (`total`, of which `idle`) and the queries `waiting` for one; for metrics. */
  poolClients(): { total: number; idle: number; waiting: number };
  /** Ends both, after Prisma lets go of the pool's connections. */
  close(): Promise<void>;
}

/**
 * The one place Postgres connections are made. Prisma (through the pg driver adapter, no native
 * engine) and {@link SqlClient} share one pool, so a process holds `poolSize` connections at most
 * whichever path a query takes.
 */
export function connectPostgres(options: DatabaseOptions): Postgres {
  const pool = new SelfReleasingPool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  // An idle connection that Postgres drops must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql = new SqlClient(pool);
  let closed: Promise<void> | undefined;
  return {
    prisma,
    sql,
    poolClients: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close() {
      closed ??= (async () => {
        await prisma.$disconnect();
        await sql.close();
      })();
      return closed;
    },
  };
}

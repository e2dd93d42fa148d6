import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../generated/client/index.js';
import { SqlClient } from './sql-client.js';

export interface DatabaseOptions {
  /** postgresql:// connection string. */
  url: string;
  /** Connections in this process's pool, shared by Prisma and the hot-path statements. @defaultValue 10 */
  poolSize?: number;
}

export type Database = PrismaClient;

/** One process's way to Postgres: Prisma for the schema-shaped reads, plain SQL for the hot path. */
export interface Postgres {
  prisma: Database;
  sql: SqlClient;
  /** Ends both, after Prisma lets go of the pool's connections. */
  close(): Promise<void>;
}

/**
 * The one place Postgres connections are made. Prisma (through the pg driver adapter, no native
 * engine) and {@link SqlClient} share one pool, so a process holds `poolSize` connections at most
 * whichever path a query takes.
 */
export function connectPostgres(options: DatabaseOptions): Postgres {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  // An idle connection that Postgres drops must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql = new SqlClient(pool);
  let closed: Promise<void> | undefined;
  return {
    prisma,
    sql,
    close() {
      closed ??= (async () => {
        await prisma.$disconnect();
        await sql.close();
      })();
      return closed;
    },
  };
}

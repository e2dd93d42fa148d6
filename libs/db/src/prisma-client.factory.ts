import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../generated/client/index.js';

export interface DatabaseOptions {
  /** postgresql:// connection string. */
  url: string;
  /** Connections in this process's pool. @defaultValue 10 */
  poolSize?: number;
}

export type Database = PrismaClient;

/** The one place a Prisma client is made: the pg driver adapter, no native query engine. */
export function createDatabase(options: DatabaseOptions): Database {
  const adapter = new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

import type { Database } from './postgres.js';

export class DatabaseHealthRepository {
  constructor(private readonly db: Database) {}

  /** Resolves when Postgres answers a trivial query. */
  async ping(): Promise<void> {
    await this.db.$queryRaw`SELECT 1`;
  }
}

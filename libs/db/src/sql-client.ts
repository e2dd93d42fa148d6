import pg from 'pg';

/**
 * A named, parameterised statement. Postgres parses and plans it once per connection (a named
 * prepared statement), then runs it by name: the hot path pays neither Prisma's query compiler nor
 * Postgres's parser per call.
 */
export interface Statement {
  /** Unique per statement text across the process: pg keys prepared statements by name. */
  name: string;
  text: string;
}

/** SQLSTATEs after which the same transaction, run again, may succeed. */
const RETRYABLE = new Set(['40001', '40P01']);

interface PostgresErrorShapes {
  /** pg's own errors. */
  code?: string;
  /** The same error raised through Prisma's driver adapter. */
  meta?: { driverAdapterError?: { cause?: { originalCode?: string } } };
}

/** The SQLSTATE of a Postgres error, whether pg raised it or Prisma passed it on. */
export function sqlStateOf(error: unknown): string | undefined {
  const shapes = error as PostgresErrorShapes | null;
  return shapes?.meta?.driverAdapterError?.cause?.originalCode ?? shapes?.code;
}

/** Whether `error` is a serialization failure or a deadlock, which a retry of the transaction cures. */
export function isRetryableConflict(error: unknown): boolean {
  return RETRYABLE.has(sqlStateOf(error) ?? '');
}

/**
 * Runs `work` (one whole transaction) and runs it again, up to `retries` times, when Postgres aborted
 * it for a deadlock or a serialization failure: nothing of it was kept, so a repeat is safe as long
 * as `work` only touches the database.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, retries: number): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= retries || !isRetryableConflict(error)) {
        throw error;
      }
    }
  }
}

/** A connection inside a transaction. */
export interface SqlTransaction {
  query<R>(statement: Statement, values: readonly unknown[]): Promise<R[]>;
}

/** Anything that runs a named statement: the pool, a transaction's connection, or a Prisma transaction's (statementsIn). */
export type StatementRunner = Pick<SqlTransaction, 'query'>;

/**
 * Runs statements inside a Prisma interactive transaction, so that a write the hot path shares (the
 * job insert) can be one step of a longer Prisma transaction. There they run unnamed: Prisma has
 * no prepared statements of its own.
 */
export function statementsIn(tx: {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}): SqlTransaction {
  return {
    query: <R>(statement: Statement, values: readonly unknown[]) => tx.$queryRawUnsafe<R[]>(statement.text, ...values),
  };
}

/**
 * Plain SQL on the process's pg pool, for the statements on the path of every job (create, relay,
 * attempt start and finish, key lookup). Everything else goes through Prisma.
 */
export class SqlClient {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Runs one statement in a transaction of its own. A deadlock or serialization failure aborted it
   * whole, so it runs again (up to `retries` times): the multi-row writes of the hot path lock rows
   * in id order among themselves, but another writer (the relay, a cancel, a delete) may not.
   */
  async query<R>(statement: Statement, values: readonly unknown[], retries = 4): Promise<R[]> {
    return retryOnConflict(
      async () => (await this.pool.query<R & pg.QueryResultRow>({ ...statement, values: [...values] })).rows,
      retries,
    );
  }

  /**
   * Runs `work` in one transaction (READ COMMITTED). A deadlock or serialization failure rolls back
   * and runs `work` again, up to `retries` times: `work` must therefore only touch the database.
   */
  async transaction<T>(work: (tx: SqlTransaction) => Promise<T>, retries = 3): Promise<T> {
    return retryOnConflict(async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <R>(statement: Statement, values: readonly unknown[]) =>
            (await client.query<R & pg.QueryResultRow>({ ...statement, values: [...values] })).rows,
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    }, retries);
  }

  /**
   * Calls `onNotify` on every NOTIFY on `channel`, on a connection of its own (outside the pool's
   * count). Resolves once listening; the returned function stops. A dropped connection is reported
   * through `onError`; the caller decides whether to listen again.
   */
  async listen(channel: string, onNotify: () => void, onError: (error: Error) => void): Promise<() => Promise<void>> {
    const client = new pg.Client(this.pool.options);
    client.on('notification', (message) => {
      if (message.channel === channel) {
        onNotify();
      }
    });
    client.on('error', onError);
    await client.connect();
    await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    return async () => {
      client.removeListener('error', onError);
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (!this.pool.ended) {
      await this.pool.end();
    }
  }
}

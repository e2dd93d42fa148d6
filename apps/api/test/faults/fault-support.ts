import { afterAll } from '@jest/globals';
import { type ApiClient, type AppProcess, useStack } from '@meridian/testing';
import pg from 'pg';

/** The default length of an injected outage, overridable for a slower or faster machine. */
export const OUTAGE_MS = Number(process.env.MERIDIAN_FAULT_OUTAGE_MS ?? 10_000);

/** The stack's database, read directly by the test: what is committed, whatever a process answered. */
export class DirectDatabase {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    // The stack drops its database with every connection to it; an idle client's error then is expected.
    this.pool.on('error', () => undefined);
  }

  async query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, values)).rows as T[];
  }

  /** How many of the executions of `jobIds` are in each status. */
  async statusCounts(jobIds: readonly string[]): Promise<Record<string, number>> {
    const rows = await this.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM executions WHERE job_id = ANY($1::uuid[]) GROUP BY status',
      [jobIds],
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  /** The outcomes of the attempts of each execution of `jobIds`, in attempt order, and their workers. */
  async attemptHistories(
    jobIds: readonly string[],
  ): Promise<{ id: string; status: string; outcomes: string[]; workers: string[] }[]> {
    return this.query(
      `SELECT e.id, e.status,
              COALESCE(array_agg(a.outcome::text ORDER BY a.attempt) FILTER (WHERE a.attempt IS NOT NULL), '{}') AS outcomes,
              COALESCE(array_agg(a.worker_id ORDER BY a.attempt) FILTER (WHERE a.attempt IS NOT NULL), '{}') AS workers
         FROM executions e LEFT JOIN execution_attempts a ON a.execution_id = e.id
        WHERE e.job_id = ANY($1::uuid[])
        GROUP BY e.id`,
      [jobIds],
    );
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}

/** Creates `jobs` through the batch route, 1,000 a request, and returns their ids in order. */
export async function createInBatches(api: ApiClient, jobs: readonly Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < jobs.length; start += 1000) {
    const response = await api.request<{ jobs: { id: string }[] }>(
      'POST',
      '/v1/jobs/batch',
      { jobs: jobs.slice(start, start + 1000) },
      { Prefer: 'return=minimal' },
    );
    if (response.status !== 201) {
      throw new Error(`batch create answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    ids.push(...response.body.jobs.map((job) => job.id));
  }
  return ids;
}

/** Prints a scenario's figures where the test run shows them. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[fault] ${scenario}: ${JSON.stringify(figures)}`);
}

/**
 * The stack of a scenario about workers: the api and the scheduler, workers the test starts itself
 * (`startWorker`), all killed when the file ends, and a reader of the stack's database (`db()`,
 * opened on first use and closed at the end).
 */
export function useWorkerScenario() {
  const ctx = useStack({ apps: ['api', 'scheduler'] });
  const workers: AppProcess[] = [];
  let database: DirectDatabase | undefined;
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await database?.end();
  });
  return {
    ctx,
    db: () => (database ??= new DirectDatabase(ctx.stack.database.url)),
    startWorker: async (env: Record<string, string>): Promise<AppProcess> => {
      const worker = await ctx.stack.start('worker', env);
      workers.push(worker);
      return worker;
    },
  };
}

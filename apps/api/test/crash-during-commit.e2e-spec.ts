import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { type AppProcess, expectCleanHistory, useStack, waitFor } from '@meridian/testing';
import { Redis } from 'ioredis';
import pg from 'pg';

// Waits are bounded by waitFor's own deadlines, which fail with a clearer message than jest's. After
// a worker is killed, its deliveries come back through BullMQ's stall detection (a 30 s lock and a
// 30 s stall interval, which Meridian does not configure), and that alone can take a minute.
jest.setTimeout(150_000);

/** Clients sending single creates at once, each as fast as it is answered. */
const CLIENTS = 50;

interface Create {
  key: string;
  body: { name: string; handler: 'noop'; payload: { n: number } };
}

interface CreateAnswer {
  status: number;
  jobId: string | undefined;
  replayed: string | null;
}

/** One execution's history as Postgres holds it, its attempts in order. */
interface History {
  id: string;
  status: string;
  attempt: number;
  numbers: number[];
  outcomes: string[];
  workers: string[];
}

/**
 * Group commit acknowledges a write (a 201, a BullMQ completion) only after the commit that holds
 * it. Killing a process with -9 while its flushes are in flight may therefore lose writes nobody was
 * told about, never one that was acknowledged; and the at-least-once redelivery that follows runs
 * nothing again once its success is committed.
 */
describe('crash during group commit', () => {
  // Each test starts (and kills) the workers it needs. A short reconciler pass re-enqueues, and so
  // races, executions much as it would after a lost Redis.
  const ctx = useStack({
    apps: ['api', 'scheduler'],
    env: { RECONCILE_INTERVAL_MS: '1000', RECONCILE_GRACE_MS: '3000' },
  });

  let pool: pg.Pool | undefined;
  let redis: Redis | undefined;
  afterAll(async () => {
    await pool?.end();
    redis?.disconnect();
  });

  /** A query on the stack's database, read directly: what is committed, whatever a process answered. */
  async function query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    if (pool === undefined) {
      pool = new pg.Pool({ connectionString: ctx.stack.database.url, max: 2 });
      // The stack drops its database with every connection to it; an idle client's error then is expected.
      pool.on('error', () => undefined);
    }
    return (await pool.query(sql, values)).rows as T[];
  }

  /** Whether BullMQ holds no job of the default queue: none waiting, delayed or held by a worker. */
  async function queueIdle(): Promise<boolean> {
    redis ??= new Redis(ctx.stack.env.REDIS_URL ?? '', { maxRetriesPerRequest: 3 });
    const key = (type: string) => `${ctx.stack.redisPrefix}:default:${type}`;
    const sizes = await Promise.all([
      redis.llen(key('wait')),
      redis.llen(key('active')),
      redis.zcard(key('prioritized')),
      redis.zcard(key('delayed')),
    ]);
    return sizes.every((size) => size === 0);
  }

  const createOf = (name: string, n: number): Create => ({
    key: `${name}-${n}`,
    body: { name, handler: 'noop', payload: { n } },
  });

  async function send(create: Create): Promise<CreateAnswer> {
    const response = await ctx.api.request<{ id?: string } | null>('POST', '/v1/jobs', create.body, {
      'Idempotency-Key': create.key,
      Prefer: 'return=minimal',
    });
    return { status: response.status, jobId: response.body?.id, replayed: response.headers.get('idempotent-replayed') };
  }

  /** The ids of the jobs named `name`, by Idempotency-Key. */
  async function committedJobs(name: string): Promise<Map<string, string>> {
    const rows = await query<{ key: string; id: string }>(
      'SELECT idempotency_key AS key, id FROM jobs WHERE name = $1',
      [name],
    );
    return new Map(rows.map((row) => [row.key, row.id]));
  }

  /**
   * Waits until every execution of the jobs named `name` succeeded, no attempt is left running, and
   * BullMQ has nothing left to deliver (a redelivery of a finished execution leaves no row behind, so
   * only an idle queue says that none is still to come).
   */
  async function waitForQuiescence(name: string, jobs: number, timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        const [counts] = await query<{ executions: number; succeeded: number; running: number }>(
          `SELECT count(DISTINCT e.id)::int AS executions,
                  count(DISTINCT e.id) FILTER (WHERE e.status = 'SUCCEEDED')::int AS succeeded,
                  count(a.attempt) FILTER (WHERE a.outcome = 'RUNNING')::int AS running
             FROM executions e
             JOIN jobs j ON j.id = e.job_id
             LEFT JOIN execution_attempts a ON a.execution_id = e.id
            WHERE j.name = $1`,
          [name],
        );
        const settled =
          counts !== undefined &&
          counts.executions >= jobs &&
          counts.succeeded === counts.executions &&
          counts.running === 0;
        return settled && (await queueIdle()) ? true : undefined;
      },
      { timeoutMs, intervalMs: 250, what: `every execution of ${name} to succeed and the queue to drain` },
    );
  }

  /** Every execution of the jobs named `name`, with its attempts in order. */
  async function histories(name: string): Promise<History[]> {
    return query<History>(
      `SELECT e.id, e.status, e.attempt,
              COALESCE(array_agg(a.attempt ORDER BY a.attempt) FILTER (WHERE a.attempt IS NOT NULL), '{}') AS numbers,
              COALESCE(array_agg(a.outcome::text ORDER BY a.attempt) FILTER (WHERE a.attempt IS NOT NULL), '{}')
                AS outcomes,
              COALESCE(array_agg(a.worker_id ORDER BY a.attempt) FILTER (WHERE a.attempt IS NOT NULL), '{}') AS workers
         FROM executions e
         JOIN jobs j ON j.id = e.job_id
         LEFT JOIN execution_attempts a ON a.execution_id = e.id
        WHERE j.name = $1
        GROUP BY e.id`,
      [name],
    );
  }

  /** The jobs named `name` that have other than exactly one execution, with how many they have. */
  async function jobsWithoutOneExecution(name: string): Promise<{ id: string; executions: number }[]> {
    return query(
      `SELECT j.id, count(e.id)::int AS executions
         FROM jobs j LEFT JOIN executions e ON e.job_id = j.id
        WHERE j.name = $1
        GROUP BY j.id
       HAVING count(e.id) <> 1`,
      [name],
    );
  }

  /**
   * The jobs named `name` whose create has other than exactly one `job.created` entry, and the
   * entries of creates whose job is not there: each entry is written by the statement that stores
   * its job, so a kill can lose both, never one of them.
   */
  async function createsAuditedOtherwise(name: string): Promise<{ id: string; entries: number }[]> {
    return query(
      `SELECT j.id, count(a.id)::int AS entries
         FROM jobs j LEFT JOIN audit_entries a ON a.action = 'job.created' AND a.target_id = j.id::text
        WHERE j.name = $1
        GROUP BY j.id
       HAVING count(a.id) <> 1
        UNION ALL
       SELECT a.target_id::uuid, 1 FROM audit_entries a
        WHERE a.action = 'job.created' AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id::text = a.target_id)`,
      [name],
    );
  }

  /**
   * The jobs named `name` written by half: without their execution, or with an execution still
   * PENDING but no outbox row to relay it (the relay deletes a row in the transaction that makes its
   * execution QUEUED, so one consistent read sees either). Read before any reconciler could mend it.
   */
  async function halfWritten(name: string): Promise<{ id: string; problem: string }[]> {
    return query(
      `SELECT j.id, CASE WHEN e.id IS NULL THEN 'no execution' ELSE 'PENDING without an outbox row' END AS problem
         FROM jobs j LEFT JOIN executions e ON e.job_id = j.id
        WHERE j.name = $1
          AND (e.id IS NULL OR (e.status = 'PENDING' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.execution_id = e.id)))`,
      [name],
    );
  }

  it('should keep every acknowledged create, run each job once and make one job per key when the api is killed mid-burst', async () => {
    const name = 'burst';
    const killAfter = 200;
    const api = ctx.stack.apps.api as AppProcess;
    const acknowledged: { key: string; jobId: string }[] = [];
    const unanswered: Create[] = [];
    const refused: { key: string; status: number }[] = [];
    let sent = 0;
    let killed: Promise<number | null> | undefined;
    const client = async () => {
      while (killed === undefined) {
        const create = createOf(name, sent++);
        try {
          const answer = await send(create);
          if (answer.status === 201 && answer.jobId !== undefined) {
            acknowledged.push({ key: create.key, jobId: answer.jobId });
            if (acknowledged.length >= killAfter) {
              killed ??= api.stop('SIGKILL');
            }
          } else {
            refused.push({ key: create.key, status: answer.status });
          }
        } catch {
          // The connection was reset or refused: the client cannot know whether the job was stored.
          unanswered.push(create);
        }
      }
    };

    await Promise.all(Array.from({ length: CLIENTS }, client));
    await killed;
    expect(await halfWritten(name)).toEqual([]);
    // The successor listens where the first api did (the stack's API_PORT), and serves the next test.
    const [, worker] = await Promise.all([
      ctx.stack.start('api'),
      ctx.stack.start('worker', { WORKER_ID: 'burst-worker', WORKER_CONCURRENCY: '50' }),
    ]);
    try {
      expect(refused).toEqual([]);
      expect(unanswered.length).toBeGreaterThan(0);
      const committed = await committedJobs(name);
      expect(acknowledged.filter(({ key, jobId }) => committed.get(key) !== jobId)).toEqual([]);
      // Every create that committed before the kill has its audit entry, acknowledged or not.
      expect(await createsAuditedOtherwise(name)).toEqual([]);

      // Each unanswered create, retried with its key: the job committed before the kill comes back
      // as a replay, and one that was not is created now.
      const retried = await Promise.all(unanswered.map(send));
      expect(retried.map((answer, index) => ({ key: unanswered[index]?.key, ...answer }))).toEqual(
        unanswered.map(({ key }) => {
          const jobId = committed.get(key);
          return jobId === undefined
            ? { key, status: 201, jobId: expect.any(String), replayed: null }
            : { key, status: 201, jobId, replayed: 'true' };
        }),
      );
      const keys = [...acknowledged, ...unanswered].map(({ key }) => key).sort();
      expect([...(await committedJobs(name)).keys()].sort()).toEqual(keys);
      // The replays recorded nothing; the creates made now have their entries too.
      expect(await createsAuditedOtherwise(name)).toEqual([]);

      await waitForQuiescence(name, keys.length, 60_000);
      expect(await jobsWithoutOneExecution(name)).toEqual([]);
      const ranOtherwise = (await histories(name)).filter(
        (history) => history.status !== 'SUCCEEDED' || history.outcomes.join() !== 'SUCCEEDED',
      );
      expect(ranOtherwise).toEqual([]);
      await expectCleanHistory(ctx.stack.database.url, {
        acknowledgedJobIds: acknowledged.map(({ jobId }) => jobId),
      });
    } finally {
      await worker.stop('SIGKILL');
    }
  });

  it('should end every execution with exactly one succeeded attempt when a worker is killed while its attempts commit', async () => {
    const name = 'flush';
    const jobs = 3000;
    // A backlog first, so that the worker runs at full concurrency until the kill. A noop attempt
    // finishes within a millisecond of its start, so a kill can find none in between; one job in 50
    // sleeps, so that some always are. (Batches: single creates run at ~40/s on a loaded machine.)
    const spec = (n: number) =>
      n % 50 === 0 ? { name, handler: 'sleep', payload: { ms: 500 } } : { name, handler: 'noop', payload: { n } };
    const batches = await Promise.all(
      Array.from({ length: jobs / 1000 }, (_, batch) =>
        ctx.api.request(
          'POST',
          '/v1/jobs/batch',
          { jobs: Array.from({ length: 1000 }, (__, n) => spec(batch * 1000 + n)) },
          { Prefer: 'return=minimal' },
        ),
      ),
    );
    expect(batches.map((batch) => batch.status)).toEqual(batches.map(() => 201));

    const victim = await ctx.stack.start('worker', { WORKER_ID: 'victim', WORKER_CONCURRENCY: '50' });
    const workers = [victim];
    try {
      await waitFor(
        async () => {
          const [row] = await query<{ succeeded: number }>(
            `SELECT count(*)::int AS succeeded FROM executions e JOIN jobs j ON j.id = e.job_id
              WHERE j.name = $1 AND e.status = 'SUCCEEDED'`,
            [name],
          );
          return (row?.succeeded ?? 0) >= jobs / 4 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 10, what: 'a quarter of the executions to succeed' },
      );
      await victim.stop('SIGKILL');
      workers.push(await ctx.stack.start('worker', { WORKER_ID: 'successor', WORKER_CONCURRENCY: '50' }));

      await waitForQuiescence(name, jobs, 110_000);
      expect(await jobsWithoutOneExecution(name)).toEqual([]);
      const all = await histories(name);
      expect(all).toHaveLength(jobs);
      const violations = all.flatMap(({ id, status, attempt, numbers, outcomes, workers: ranOn }) =>
        [
          status === 'SUCCEEDED' ? null : `ended ${status}`,
          numbers.every((number, index) => number === index + 1) && attempt === numbers.length
            ? null
            : `attempts ${numbers.join()} on an execution at attempt ${attempt}`,
          outcomes.at(-1) === 'SUCCEEDED' && outcomes.slice(0, -1).every((outcome) => outcome === 'INTERRUPTED')
            ? null
            : `outcomes ${outcomes.join()}`,
          outcomes.every((outcome, index) => outcome !== 'INTERRUPTED' || ranOn[index] === 'victim')
            ? null
            : `interrupted on ${ranOn.join()}`,
        ].flatMap((problem) => (problem === null ? [] : [`${id}: ${problem}`])),
      );
      expect(violations).toEqual([]);
      // The kill caught attempts between their start and their finish, and both workers ran some.
      expect(all.some(({ outcomes }) => outcomes.includes('INTERRUPTED'))).toBe(true);
      expect([...new Set(all.map(({ workers: ranOn }) => ranOn.at(-1)))].sort()).toEqual(['successor', 'victim']);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    }
  });
});

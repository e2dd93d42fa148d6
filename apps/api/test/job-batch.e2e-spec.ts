import { describe, expect, it, jest } from '@jest/globals';
import { type JobView, useStack, waitFor } from '@meridian/testing';
import pg from 'pg';

import { expectProblem } from './support.js';

// Waits are bounded by waitFor's own deadlines, which fail with a clearer message than jest's.
jest.setTimeout(90_000);

interface BatchAnswer {
  jobs: JobView[];
}

interface AuditEntry {
  action: string;
  target: { type: string; id: string };
  after: { jobIds?: string[] } | null;
}

const AN_HOUR = 3_600_000;

describe('batch create', () => {
  const ctx = useStack();

  const createBatch = (body: unknown, headers: Record<string, string> = {}) =>
    ctx.api.request<BatchAnswer>('POST', '/v1/jobs/batch', body, headers);

  /** One query on the stack's own database, as the test's client rather than through the API. */
  async function query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: ctx.stack.database.url });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /**
   * How many jobs, executions and batch keys are stored now. (Outbox rows are left out: the relay
   * deletes them once sent, so their count moves on its own.)
   */
  async function storedRows(): Promise<Record<string, number>> {
    const [counts] = await query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM jobs) AS jobs, (SELECT count(*)::int FROM executions) AS executions,
              (SELECT count(*)::int FROM job_batches) AS batches`,
    );
    return counts ?? {};
  }

  const noop = (name: string, extra: Record<string, unknown> = {}) => ({ name, handler: 'noop', ...extra });

  it('should create one-off, delayed and recurring jobs in request order and run every one-off', async () => {
    const soon = new Date(Date.now() + 700).toISOString();
    const jobs = [
      noop('mixed-0', { payload: { n: 0 } }),
      { name: 'mixed-1', handler: 'sleep', payload: { ms: 20 } },
      noop('mixed-2', { delayMs: 500 }),
      noop('mixed-3', { runAt: soon, priority: 7 }),
      noop('mixed-4', { schedule: { cron: '0 0 1 1 *', timezone: 'Europe/Berlin' }, overlap: 'skip' }),
      noop('mixed-5', { payload: { n: 5 }, retry: { maxAttempts: 1 } }),
      noop('mixed-6', { schedule: { every: '1s', limit: 1 } }),
    ];

    const created = await createBatch({ jobs });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBeNull();
    expect(created.body.jobs.map((job) => job.name)).toEqual(jobs.map((job) => job.name));
    expect(new Set(created.body.jobs.map((job) => job.id)).size).toBe(jobs.length);
    const [first, sleep, delayed, timed, recurring, last, ticking] = created.body.jobs as [
      JobView,
      JobView,
      JobView,
      JobView,
      JobView,
      JobView,
      JobView,
    ];
    expect(first).toMatchObject({ status: 'PENDING', payload: { n: 0 }, schedule: null });
    expect(first.latestExecution).toMatchObject({ status: 'PENDING', jobId: first.id });
    expect(timed).toMatchObject({ priority: 7 });
    expect(timed.latestExecution?.scheduledFor).toBe(soon);
    expect(recurring.latestExecution).toBeNull();
    expect(recurring.schedule).toMatchObject({ state: 'ACTIVE', occurrences: 0 });
    expect(Date.parse(recurring.schedule?.nextRunAt ?? '')).toBeGreaterThan(Date.now());
    // Each job is stored as the single create would store it.
    for (const job of created.body.jobs) {
      expect(await ctx.api.job(job.id)).toMatchObject({ id: job.id, name: job.name, handler: job.handler });
    }

    const oneOffs = [first, sleep, delayed, timed, last];
    const runs = await Promise.all(oneOffs.map((job) => ctx.api.waitForExecution(job, 'SUCCEEDED')));

    expect(runs.map((run) => run.attempt)).toEqual([1, 1, 1, 1, 1]);
    expect(runs[0]?.result).toEqual({ ok: true, echo: { n: 0 } });
    for (const [index, run] of runs.entries()) {
      expect(Date.parse(run.startedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(oneOffs[index]?.latestExecution?.scheduledFor ?? ''),
      );
    }
    expect((await ctx.api.job(recurring.id)).schedule?.state).toBe('ACTIVE');
    // The relay armed the recurring jobs' schedules too: the every-second one fires.
    const [occurrence] = await ctx.api.waitForOccurrences(ticking.id, 1);
    expect(occurrence?.outcome).toBe('ENQUEUED');
  });

  it('should refuse a batch with bad jobs at indexes 1 and 3, naming each one and its field, and store nothing', async () => {
    const before = await storedRows();

    const refused = await createBatch({
      jobs: [
        noop('fine-0'),
        noop('bad-1', { retry: { maxAttempts: 0 } }),
        noop('fine-2'),
        { name: 'bad-3', handler: 'noop', colour: 'red' },
        noop('fine-4'),
      ],
    });

    const problem = expectProblem(refused, 400, 'validation_failed');
    expect(problem.errors?.map((issue) => issue.path)).toEqual(['jobs[1].retry.maxAttempts', 'jobs[3].colour']);
    expect(problem.detail).toContain('2 of 5 jobs');
    expect(problem.detail).toContain('No job was stored');
    expect(await storedRows()).toEqual(before);
  });

  it('should report what every check finds: request fields, handler, payload schema, queue and schedule', async () => {
    const before = await storedRows();

    const refused = await createBatch({
      jobs: [
        { handler: 'noop' },
        noop('unknown-handler', { handler: 'no-such-handler' }),
        { name: 'bad-payload', handler: 'sleep', payload: { ms: 'soon' } },
        noop('unknown-queue', { queue: 'nowhere' }),
        noop('bad-cron', { schedule: { cron: 'every tuesday' } }),
        'not a job',
        noop('fine'),
      ],
    });

    const problem = expectProblem(refused, 400, 'validation_failed');
    expect(problem.errors?.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'jobs[0].name', code: 'invalid_type' },
      { path: 'jobs[1].handler', code: 'unknown_handler' },
      { path: 'jobs[2].payload.ms', code: 'invalid_type' },
      { path: 'jobs[3].queue', code: 'unknown_queue' },
      { path: 'jobs[4].schedule.cron', code: 'custom' },
      { path: 'jobs[5]', code: 'invalid_type' },
    ]);
    expect(await storedRows()).toEqual(before);
  });

  it('should refuse an empty list, more than 1,000 jobs, a body without a list, and unknown envelope fields', async () => {
    const before = await storedRows();
    const tooMany = Array.from({ length: 1001 }, (_, index) => noop(`too-many-${index}`));

    const cases: [unknown, string][] = [
      [{ jobs: [] }, 'jobs'],
      [{ jobs: tooMany }, 'jobs'],
      [{}, 'jobs'],
      [[noop('bare-list')], '(root)'],
      [{ jobs: [noop('with-extra')], dryRun: true }, 'dryRun'],
    ];
    for (const [body, field] of cases) {
      const problem = expectProblem(await createBatch(body), 400, 'validation_failed');
      expect(problem.errors?.map((issue) => issue.path)).toEqual([field]);
    }
    expect(await storedRows()).toEqual(before);
  });

  it('should refuse jobs with dependsOn, pointing to POST /v1/workflows', async () => {
    const existing = await ctx.api.createJob(noop('dependency', { delayMs: AN_HOUR }));
    const before = await storedRows();

    const refused = await createBatch({ jobs: [noop('free'), noop('dependent', { dependsOn: [existing.id] })] });

    const problem = expectProblem(refused, 400, 'validation_failed');
    expect(problem.errors).toEqual([
      {
        path: 'jobs[1].dependsOn',
        code: 'dependencies_not_batchable',
        message: expect.stringContaining('/v1/workflows'),
      },
    ]);
    expect(await storedRows()).toEqual(before);
  });

  it('should list the first 100 problems of a batch of 1,000 bad jobs, and say how many there are', async () => {
    const refused = await createBatch({ jobs: Array.from({ length: 1000 }, () => ({ payload: 'x' })) });

    const problem = expectProblem(refused, 400, 'validation_failed');
    expect(problem.errors).toHaveLength(100);
    expect(problem.errors?.slice(0, 2).map((issue) => issue.path)).toEqual(['jobs[0].name', 'jobs[0].handler']);
    expect(problem.detail).toContain('2000 problem(s) in 1000 of 1000 jobs; the first 100 are listed');
    expect(JSON.stringify(problem).length).toBeLessThan(20_000);
  });

  it('should store 1,000 jobs in one request and run every one of them', async () => {
    const jobs = Array.from({ length: 1000 }, (_, index) => noop(`thousand-${index}`, { payload: { index } }));

    const created = await createBatch({ jobs }, { Prefer: 'return=minimal' });

    expect(created.status).toBe(201);
    expect(created.body.jobs).toHaveLength(1000);
    const ids = created.body.jobs.map((job) => job.id);
    const stored = await query<{ id: string; name: string }>('SELECT id, name FROM jobs WHERE id = ANY($1::uuid[])', [
      ids,
    ]);
    const nameOf = new Map(stored.map((row) => [row.id, row.name]));
    expect(ids.map((id) => nameOf.get(id))).toEqual(jobs.map((job) => job.name));
    await waitFor(
      async () => {
        const [row] = await query<{ done: number }>(
          `SELECT count(*)::int AS done FROM executions WHERE job_id = ANY($1::uuid[]) AND status = 'SUCCEEDED'`,
          [ids],
        );
        return row?.done === 1000 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: '1,000 executions to succeed' },
    );
  });

  it('should replay a batch sent again with the same Idempotency-Key and body, without storing it twice', async () => {
    const body = { jobs: [noop('replayed-0'), noop('replayed-1', { delayMs: AN_HOUR })] };
    const headers = { 'Idempotency-Key': 'batch-2001' };
    const first = await createBatch(body, headers);
    await ctx.api.waitForExecution(first.body.jobs[0]!, 'SUCCEEDED');
    const before = await storedRows();

    const again = await createBatch({ jobs: body.jobs.map((job) => ({ ...job })) }, headers);

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.jobs.map((job) => job.id)).toEqual(first.body.jobs.map((job) => job.id));
    expect(again.body.jobs.map((job) => job.status)).toEqual([
      'SUCCEEDED',
      expect.stringMatching(/^(PENDING|QUEUED)$/),
    ]);
    expect(again.body.jobs[0]?.latestExecution?.id).toBe(first.body.jobs[0]?.latestExecution?.id);
    expect(await storedRows()).toEqual(before);
    const minimal = await createBatch(body, { ...headers, Prefer: 'return=minimal' });
    expect(minimal.body).toEqual({ jobs: again.body.jobs.map(({ id, status }) => ({ id, status })) });
  });

  it('should answer 409 to the same Idempotency-Key with another body, and store nothing', async () => {
    const headers = { 'Idempotency-Key': 'batch-2002' };
    await createBatch({ jobs: [noop('original', { delayMs: AN_HOUR })] }, headers);
    const before = await storedRows();

    const reused = await createBatch({ jobs: [noop('another', { delayMs: AN_HOUR })] }, headers);

    expectProblem(reused, 409, 'idempotency_key_reused');
    expect(await storedRows()).toEqual(before);
  });

  it('should store one batch when ten identical requests with the same key race', async () => {
    const body = { jobs: [noop('raced-0', { delayMs: AN_HOUR }), noop('raced-1', { delayMs: AN_HOUR })] };
    const before = await storedRows();

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => createBatch(body, { 'Idempotency-Key': 'batch-race' })),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 201));
    expect(new Set(answers.map((answer) => answer.body.jobs.map((job) => job.id).join())).size).toBe(1);
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    const after = await storedRows();
    expect({ jobs: after.jobs! - before.jobs!, batches: after.batches! - before.batches! }).toEqual({
      jobs: 2,
      batches: 1,
    });
  });

  it('should record one audit entry listing the ids of the batch, and none for its replay', async () => {
    const body = { jobs: [noop('audited-0', { delayMs: AN_HOUR }), noop('audited-1', { delayMs: AN_HOUR })] };
    const created = await createBatch(body, { 'Idempotency-Key': 'batch-audited' });
    await createBatch(body, { 'Idempotency-Key': 'batch-audited' });
    const ids = created.body.jobs.map((job) => job.id);

    // The entry commits with the batch, so it is there as soon as the batch is answered.
    const batchEntries = (
      await ctx.api.request<{ items: AuditEntry[] }>('GET', '/v1/audit?action=job.batch_created&limit=100')
    ).body.items;
    const entries = batchEntries.filter((entry) => entry.after?.jobIds?.[0] === ids[0]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: { type: 'namespace', id: 'default' }, after: { jobIds: ids } });
  });
});

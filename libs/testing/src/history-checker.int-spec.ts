import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { checkHistory } from './history-checker.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

describe(checkHistory.name, () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  beforeEach(async () => {
    await client.query('TRUNCATE jobs CASCADE');
  });

  /** A one-off job with one execution in `status`, and the attempts given as [number, outcome]. */
  async function aJob(status: string, attempts: [number, string][], dependsOn: string[] = []): Promise<string> {
    const jobId = randomUUID();
    await client.query(
      `INSERT INTO jobs (id, name, handler, payload, queue, priority, max_attempts, backoff_type, backoff_delay_ms,
                         backoff_max_delay_ms, backoff_jitter, timeout_ms, status, dependencies_remaining, updated_at)
       VALUES ($1, 'j', 'noop', '{}', 'default', 0, 3, 'FIXED', 1000, 1000, 0, 1000, $2, $3, now())`,
      [jobId, status, dependsOn.length],
    );
    const executionId = randomUUID();
    await client.query(
      `INSERT INTO executions (id, job_id, status, attempt, scheduled_for, updated_at) VALUES ($1, $2, $3, $4, now(), now())`,
      [executionId, jobId, status, attempts.length],
    );
    for (const [attempt, outcome] of attempts) {
      await client.query(
        `INSERT INTO execution_attempts (execution_id, attempt, outcome, worker_id, started_at) VALUES ($1, $2, $3, 'w', now())`,
        [executionId, attempt, outcome],
      );
    }
    for (const parent of dependsOn) {
      await client.query(
        `INSERT INTO job_dependencies (job_id, depends_on_job_id, on_failure) VALUES ($1, $2, 'SKIP')`,
        [jobId, parent],
      );
    }
    return jobId;
  }

  it('should find nothing wrong in a clean history', async () => {
    const retried = await aJob('SUCCEEDED', [
      [1, 'INTERRUPTED'],
      [2, 'SUCCEEDED'],
    ]);
    const once = await aJob('SUCCEEDED', [[1, 'SUCCEEDED']]);

    const sut = await checkHistory(database.url, { acknowledgedJobIds: [retried, once] });

    expect(sut.violations).toEqual([]);
    expect(sut.counts).toMatchObject({
      jobs: 2,
      executions: 2,
      attempts: 3,
      byOutcome: { INTERRUPTED: 1, SUCCEEDED: 2 },
    });
  });

  it('should report an acknowledged create that is missing', async () => {
    const missing = randomUUID();

    const sut = await checkHistory(database.url, { acknowledgedJobIds: [missing] });

    expect(sut.violations).toEqual([`an acknowledged create is missing: ${missing}`]);
  });

  it('should report two SUCCEEDED attempts of one execution', async () => {
    await aJob('SUCCEEDED', [
      [1, 'SUCCEEDED'],
      [2, 'SUCCEEDED'],
    ]);

    const sut = await checkHistory(database.url);

    expect(sut.violations).toEqual([expect.stringMatching(/^an execution succeeded more than once: .* x2$/)]);
  });

  it('should report a gap in attempt numbers', async () => {
    await aJob('SUCCEEDED', [
      [1, 'FAILED'],
      [3, 'SUCCEEDED'],
    ]);

    const sut = await checkHistory(database.url);

    expect(sut.violations).toEqual([expect.stringMatching(/^attempts are not numbered 1\.\.n: .* 1,3$/)]);
  });

  it('should report a stuck RUNNING execution and its running attempt', async () => {
    await aJob('RUNNING', [[1, 'RUNNING']]);

    const sut = await checkHistory(database.url);

    expect(sut.violations).toEqual([
      expect.stringMatching(/^an execution did not end: .* RUNNING$/),
      expect.stringMatching(/^an attempt is still RUNNING: .* #1$/),
    ]);
  });

  it('should report a dependent released although its dependency was never counted', async () => {
    const parent = await aJob('SUCCEEDED', [[1, 'SUCCEEDED']]);
    const child = await aJob('SUCCEEDED', [[1, 'SUCCEEDED']], [parent]);
    await client.query('UPDATE jobs SET dependencies_remaining = 0 WHERE id = $1', [child]);

    const sut = await checkHistory(database.url);

    expect(sut.violations).toEqual([`a dependent job was counted down wrongly: ${child} remaining 0 expected 1`]);
  });

  it('should report a BLOCKED execution whose dependencies have all been counted', async () => {
    const parent = await aJob('SUCCEEDED', [[1, 'SUCCEEDED']]);
    await client.query('UPDATE executions SET dependents_notified = true WHERE job_id = $1', [parent]);
    const child = await aJob('BLOCKED', [], [parent]);
    await client.query('UPDATE jobs SET dependencies_remaining = 0 WHERE id = $1', [child]);

    const sut = await checkHistory(database.url);

    expect(sut.violations).toEqual([expect.stringMatching(/^a BLOCKED execution was never released: /)]);
  });

  /** The execution of `jobId`, its only one. */
  async function executionOf(jobId: string): Promise<string> {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM executions WHERE job_id = $1', [jobId]);
    return rows[0]?.id ?? '';
  }

  it('should report an ended execution that is still parked', async () => {
    const parent = await aJob('SUCCEEDED', [[1, 'SUCCEEDED']]);
    const execution = await executionOf(parent);
    await client.query('UPDATE executions SET parked_at = now() WHERE id = $1', [execution]);

    const sut = await checkHistory(database.url);

    expect(sut.violations).toEqual([`an ended execution is still parked: ${execution} SUCCEEDED`]);
  });

  it('should report a child left unfinished under a parent that ended', async () => {
    const parent = await aJob('CANCELLED', []);
    const parentExecution = await executionOf(parent);
    const child = await aJob('QUEUED', []);
    await client.query('UPDATE jobs SET parent_job_id = $2, parent_execution_id = $3 WHERE id = $1', [
      child,
      parent,
      parentExecution,
    ]);
    await client.query('UPDATE executions SET finished_at = now() WHERE id = $1', [parentExecution]);

    const sut = await checkHistory(database.url);

    expect(sut.violations).toContain(
      `a child job outlived its parent: ${await executionOf(child)} QUEUED under ${parentExecution} CANCELLED`,
    );
  });
});

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CreatedApiKey, Execution, Job, Workflow } from '@meridian/client';
import { freePort, useStack } from '@meridian/testing';

/** The built command, as `pnpm meridian` and the workspace's bin run it. */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The whole `meridian` command as a process against a started stack: stdout, stderr and exit codes. */
describe('meridian', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'meridian-cli-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** Runs `meridian …args` with the stack's URL and admin key in its environment, unless `env` says otherwise. */
  function sut(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
    const child = spawnSut(args, env);
    return finished(child);
  }

  function spawnSut(args: string[], env: Record<string, string | undefined> = {}) {
    const environment: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      MERIDIAN_URL: ctx.stack.apiUrl,
      MERIDIAN_API_KEY: ctx.stack.env.API_BOOTSTRAP_KEY,
      ...env,
    };
    return spawn(process.execPath, [MAIN, ...args], {
      env: Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined)),
    });
  }

  function finished(child: ReturnType<typeof spawn>): Promise<Run> {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Runs a command that must succeed with `--json`, and answers its parsed stdout. */
  async function json<T>(args: string[]): Promise<T> {
    const run = await sut([...args, '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as T;
  }

  async function aJsonFile(name: string, body: unknown): Promise<string> {
    const path = join(workDir, name);
    await writeFile(path, JSON.stringify(body));
    return path;
  }

  describe('jobs', () => {
    it('should create a job, show it, and list it as a table and as JSON', async () => {
      const name = `cli-hello-${randomUUID()}`;

      const created = await json<Job>([
        'jobs',
        'create',
        '--name',
        name,
        '--handler',
        'noop',
        '--payload',
        '{"greeting":"hi"}',
      ]);
      const [shown, table, listed] = await Promise.all([
        sut(['jobs', 'get', created.id]),
        sut(['jobs', 'list', '--name', name]),
        json<Job[]>(['jobs', 'list', '--name', name]),
      ]);

      expect(created).toMatchObject({ name, handler: 'noop', payload: { greeting: 'hi' }, queue: 'default' });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(new RegExp(`^Job: +${created.id}$`, 'm'));
      expect(shown.stdout).toMatch(new RegExp(`^Name: +${name}$`, 'm'));
      expect(shown.stdout).toContain('Payload:  {"greeting":"hi"}'.replace('  ', ' '.repeat(10)));
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID +NAME +HANDLER +QUEUE +STATUS +SCHEDULE +CREATED$/);
      expect(table.stdout).toMatch(new RegExp(`^${created.id} +${name} +noop +default +[A-Z]+ +- +\\d{4}-`, 'm'));
      expect(listed.map((job) => job.id)).toEqual([created.id]);
    });

    it('should follow every page with --all, and tell how to read on without it', async () => {
      const name = `cli-pages-${randomUUID()}`;
      // Made over HTTP: creating is not what this test is about, and each command is a process.
      const ids: string[] = [];
      for (let index = 0; index < 3; index += 1) {
        ids.push((await ctx.api.createJob({ name, handler: 'noop' })).id);
      }

      const [all, firstPage] = await Promise.all([
        json<Job[]>(['jobs', 'list', '--name', name, '--limit', '1', '--all']),
        sut(['jobs', 'list', '--name', name, '--limit', '1']),
      ]);

      expect(all.map((job) => job.id).sort()).toEqual([...ids].sort());
      expect(firstPage.stdout.trim().split('\n')).toHaveLength(2);
      expect(firstPage.stderr).toMatch(/^More on the next page: --cursor \S+ \(or --all\)\.$/m);
    });

    it('should create a job and wait for it, telling its attempt, and exit 0 once it succeeded', async () => {
      const run = await sut([
        'jobs',
        'create',
        '--name',
        'cli-wait',
        '--handler',
        'noop',
        '--wait',
        '--interval',
        '50ms',
      ]);

      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/attempt 1 SUCCEEDED after \d+/);
      expect(run.stdout).toMatch(/SUCCEEDED after 1 attempt: \{"ok":true,"echo":\{\}\}/);
      expect(run.stdout).toMatch(/^Job \S+ \(cli-wait\): SUCCEEDED$/m);
    });

    it('should answer --wait --json with the job and its ended execution', async () => {
      const { job, execution } = await json<{ job: Job; execution: Execution }>([
        'jobs',
        'create',
        '--name',
        'cli-wait-json',
        '--handler',
        'noop',
        '--wait',
        '--interval',
        '50ms',
      ]);

      expect(job).toMatchObject({ name: 'cli-wait-json', status: 'SUCCEEDED' });
      expect(execution).toMatchObject({ jobId: job.id, status: 'SUCCEEDED', attempts: [{ outcome: 'SUCCEEDED' }] });
    });

    it('should cancel a delayed job and then delete it', async () => {
      const job = await ctx.api.createJob({ name: 'cli-later', handler: 'noop', delayMs: 3_600_000 });

      const cancelled = await sut(['jobs', 'cancel', job.id]);
      const cancelledAgain = await sut(['jobs', 'cancel', job.id]);
      const deleted = await sut(['jobs', 'delete', job.id]);
      const gone = await sut(['jobs', 'get', job.id]);

      expect(cancelled).toMatchObject({ code: 0, stdout: `Cancelled job ${job.id} (cli-later): CANCELLED\n` });
      expect(cancelledAgain.code).toBe(4);
      expect(cancelledAgain.stderr).toMatch(/^error: 409 .*\(job_not_cancellable\)/);
      expect(deleted).toMatchObject({ code: 0, stdout: `Deleted job ${job.id}.\n` });
      expect(gone.code).toBe(3);
    });
  });

  describe('watching a failing job and its executions', () => {
    let job: Job;
    let watched: Run;

    beforeAll(async () => {
      job = await json<Job>([
        'jobs',
        'create',
        '--name',
        'cli-failing',
        '--handler',
        'sleep',
        '--payload',
        '{"ms":10,"fail":true}',
        '--max-attempts',
        '3',
        '--backoff',
        '200ms',
        '--backoff-type',
        'fixed',
      ]);
      watched = await sut(['watch', job.id, '--interval', '50ms']);
    });

    it('should print each attempt outcome in order and exit 7 when the execution ends DEAD', () => {
      const attemptLines = watched.stdout.split('\n').filter((line) => / attempt \d (FAILED|SUCCEEDED)/.test(line));

      expect(watched.code).toBe(7);
      expect(watched.stdout.split('\n')[0]).toBe(`execution ${job.latestExecution!.id} of job ${job.id}`);
      expect(attemptLines).toHaveLength(3);
      attemptLines.forEach((line, index) =>
        expect(line).toMatch(
          new RegExp(`attempt ${index + 1} FAILED after \\d+ms: handler_failed: slept 10 ms and failed as asked`),
        ),
      );
      // 200 ms less up to 20 % of jitter.
      expect(attemptLines[0]).toMatch(/\(retry in 1\d\dms|200ms\)$/);
      expect(watched.stdout).toMatch(/DEAD after 3 attempts\n$/);
      expect(watched.stderr).toBe(
        `error: execution ${job.latestExecution!.id} of job ${job.id} ended DEAD after 3 attempt(s): ` +
          'handler_failed: slept 10 ms and failed as asked (final: exhausted)\n',
      );
    });

    it('should show the execution with every attempt, and retry it as a new execution', async () => {
      const executionId = job.latestExecution!.id;

      const [shown, read] = await Promise.all([
        sut(['executions', 'get', executionId]),
        json<Execution>(['executions', 'get', executionId]),
      ]);
      const retried = await json<Execution>(['executions', 'retry', executionId]);
      const listed = await json<Execution[]>(['jobs', 'executions', job.id]);

      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^Status: +DEAD$/m);
      expect(shown.stdout.match(/^\d +FAILED +\S+/gm)).toHaveLength(3);
      expect(read.attempts.map((attempt) => attempt.outcome)).toEqual(['FAILED', 'FAILED', 'FAILED']);
      expect(retried).toMatchObject({ jobId: job.id });
      expect(retried.id).not.toBe(executionId);
      expect(listed.map((execution) => execution.id)).toEqual([retried.id, executionId]);
    });

    it('should exit 4 with the conflict when the execution is no longer retryable', async () => {
      const run = await sut(['executions', 'retry', job.latestExecution!.id]);

      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^error: 409 .*\(execution_not_retryable\)/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('should exit 130 when interrupted with Ctrl-C while watching', async () => {
      const sleeping = await ctx.api.createJob({ name: 'cli-long', handler: 'noop', delayMs: 3_600_000 });
      const child = spawnSut(['watch', sleeping.id, '--interval', '50ms']);
      const run = finished(child);
      await new Promise((resolve) => child.stdout.once('data', resolve));

      child.kill('SIGINT');

      await expect(run).resolves.toMatchObject({ code: 130, stderr: 'interrupted\n' });
    });
  });

  describe('schedules', () => {
    let job: Job;

    beforeAll(async () => {
      job = await json<Job>(['jobs', 'create', '--name', 'cli-yearly', '--handler', 'noop', '--cron', '0 0 1 1 *']);
    });

    it('should preview the next runs in UTC and in the schedule zone', async () => {
      const [table, upcoming] = await Promise.all([
        sut(['schedules', 'upcoming', job.id, '--count', '3']),
        json<{ timezone: string; items: unknown[] }>(['schedules', 'upcoming', job.id]),
      ]);

      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^Time zone: UTC\n\nNOMINAL TIME +LOCAL TIME$/m);
      expect(table.stdout.match(/^\d{4}-01-01T00:00:00Z +/gm)).toHaveLength(3);
      expect(upcoming).toMatchObject({ timezone: 'UTC' });
      expect(upcoming.items).toHaveLength(10);
    });

    it('should pause with a note, and resume', async () => {
      const paused = await sut(['schedules', 'pause', job.id, '--note', 'deploy freeze']);
      const read = await json<Job>(['jobs', 'get', job.id]);
      const resumed = await json<Job>(['schedules', 'resume', job.id]);

      expect(paused.code).toBe(0);
      expect(paused.stdout).toMatch(/^Schedule state: +PAUSED$/m);
      expect(paused.stdout).toMatch(/^Pause note: +deploy freeze$/m);
      expect(read.schedule).toMatchObject({ state: 'PAUSED', pauseNote: 'deploy freeze', pausedUntil: null });
      expect(resumed.schedule).toMatchObject({ state: 'ACTIVE', pauseNote: null });
    });

    it('should trigger a run now', async () => {
      const run = await sut(['schedules', 'trigger', job.id]);

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Started execution [0-9a-f-]{36}\.$/m);
    });

    it('should backfill a past range, then list the occurrences it ran', async () => {
      const range = ['--from', '2024-01-01T00:00:00Z', '--to', '2025-06-30T00:00:00Z'];

      const dryRun = await sut(['schedules', 'backfill', job.id, ...range, '--dry-run']);
      const backfill = await json<{ backfilled: number }>(['schedules', 'backfill', job.id, ...range]);
      const occurrences = await sut(['schedules', 'occurrences', job.id]);

      expect(dryRun.code).toBe(0);
      expect(dryRun.stdout).toContain('2 occurrence(s) would run, 0 already had a run (dry run: nothing written).');
      expect(backfill.backfilled).toBe(2);
      expect(occurrences.code).toBe(0);
      expect(occurrences.stdout).toMatch(/^2025-01-01T00:00:00Z +BACKFILLED +[0-9a-f-]{36} +/m);
      expect(occurrences.stdout).toMatch(/^2024-01-01T00:00:00Z +BACKFILLED +[0-9a-f-]{36} +/m);
    });

    it('should exit 4 for a schedule operation on a one-off job', async () => {
      const oneOff = await ctx.api.createJob({ name: 'cli-once', handler: 'noop' });

      const run = await sut(['schedules', 'upcoming', oneOff.id]);

      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/\(job_not_recurring\)/);
    });
  });

  describe('workflows', () => {
    it('should create a workflow from a file, show it and cancel it', async () => {
      const file = await aJsonFile('workflow.json', {
        name: 'cli-workflow',
        jobs: [
          { key: 'slow', name: 'slow', handler: 'sleep', payload: { ms: 60_000 } },
          { key: 'after', name: 'after', handler: 'noop', dependsOn: ['slow'] },
        ],
      });

      const created = await json<Workflow>(['workflows', 'create', '-f', file]);
      const shown = await sut(['workflows', 'get', created.id]);
      const cancelled = await json<Workflow>(['workflows', 'cancel', created.id]);

      expect(created).toMatchObject({ name: 'cli-workflow', status: 'RUNNING' });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^Workflow: +[0-9a-f-]{36}$/m);
      expect(shown.stdout).toMatch(/^slow +[0-9a-f-]{36} +slow +sleep +[A-Z]+/m);
      expect(shown.stdout).toMatch(/^slow +after +skip$/m);
      expect(cancelled.status).toBe('CANCELLED');
    });

    it('should exit 2 when the file is not JSON', async () => {
      const file = join(workDir, 'broken.json');
      await writeFile(file, '{ not json');

      const run = await sut(['workflows', 'create', '-f', file]);

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: .*broken\.json is not JSON/);
    });
  });

  describe('keys', () => {
    it('should create a key, list it, revoke it, and then be refused with it (exit 5)', async () => {
      const created = await json<CreatedApiKey>(['keys', 'create', '--name', 'cli-reader', '--scope', 'jobs:read']);
      const [usable, listed] = await Promise.all([
        sut(['jobs', 'list', '--limit', '1'], { MERIDIAN_API_KEY: created.key }),
        sut(['keys', 'list']),
      ]);
      const revoked = await sut(['keys', 'revoke', created.id]);
      const refused = await sut(['jobs', 'list'], { MERIDIAN_API_KEY: created.key });

      expect(usable.code).toBe(0);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`^${created.id} +cli-reader +default +jobs:read +`, 'm'));
      expect(revoked).toMatchObject({ code: 0, stdout: `Revoked key ${created.id}.\n` });
      expect(refused.code).toBe(5);
      expect(refused.stderr).toMatch(/^error: 401 .*\(unauthorized\)/);
    });

    it('should exit 5 when a key lacks the scope a command needs', async () => {
      const reader = await json<CreatedApiKey>(['keys', 'create', '--name', 'cli-scoped', '--scope', 'jobs:read']);

      const run = await sut(['jobs', 'create', '--name', 'x', '--handler', 'noop'], { MERIDIAN_API_KEY: reader.key });

      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/^error: 403 .*\(insufficient_scope\)/);
    });
  });

  describe('errors', () => {
    it('should exit 3 with the problem on one line when the job does not exist', async () => {
      const id = randomUUID();

      const run = await sut(['jobs', 'get', id]);

      expect(run).toMatchObject({ code: 3, stdout: '' });
      expect(run.stderr).toBe(`error: 404 Job not found (job_not_found): Job ${id} does not exist.\n`);
    });

    it('should exit 1 naming each refused field when the API refuses the request', async () => {
      const run = await sut(['jobs', 'create', '--name', 'cli-bad', '--handler', 'noop', '--max-attempts', '1000']);

      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/^error: 400 .*\(validation_failed\).* retry\.maxAttempts: .+$/m);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('should exit 2 on a usage error, before any request', async () => {
      const run = await sut(['jobs', 'create', '--name', 'x', '--delay', 'soon']);

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: option '--delay <duration>' argument 'soon' is invalid/);
    });

    it('should exit 6 naming the URL when the API cannot be reached', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;

      const run = await sut(['jobs', 'list'], { MERIDIAN_URL: url });

      expect(run.code).toBe(6);
      expect(run.stderr).toContain(`is the Meridian API running at ${url}?`);
    });

    it('should take --url and --api-key over the environment', async () => {
      const run = await sut(
        ['jobs', 'list', '--url', ctx.stack.apiUrl, '--api-key', ctx.stack.env.API_BOOTSTRAP_KEY!],
        {
          MERIDIAN_URL: 'http://127.0.0.1:1',
          MERIDIAN_API_KEY: 'mk_wrong',
        },
      );

      expect(run.code).toBe(0);
    });

    it('should exit 5 saying how to set the key when there is none', async () => {
      const run = await sut(['jobs', 'list'], { MERIDIAN_API_KEY: undefined });

      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/^error: no API key: set MERIDIAN_API_KEY .* or pass --api-key/);
    });

    it('should list the exit codes in --help', async () => {
      const run = await sut(['--help']);

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Exit codes:\n +0 +success\n +1 +.*\n +2 +usage error/);
      expect(run.stdout).toMatch(/^ +130 +interrupted/m);
    });
  });
});

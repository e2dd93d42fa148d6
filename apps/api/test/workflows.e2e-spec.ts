import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type HttpTarget, startHttpTarget, useStack, waitFor, type WorkflowSummaryView } from '@meridian/testing';

interface WorkflowJob {
  key: string;
  jobId: string;
  status: string;
  executionId: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  result: unknown;
  lastError: { code?: string; message?: string } | null;
}

interface Workflow {
  id: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  jobCounts: WorkflowSummaryView['jobCounts'];
  jobs: WorkflowJob[];
  edges: { from: string; to: string; onFailure: string }[];
}

interface Problem {
  code: string;
  errors?: { path: string; message: string; code: string }[];
}

const ENDED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

const noop = (key: string, dependsOn: unknown[] = [], payload: unknown = { key }) => ({
  key,
  name: key,
  handler: 'noop',
  payload,
  dependsOn,
});
const failing = (key: string, dependsOn: unknown[] = []) => ({
  key,
  name: key,
  handler: 'sleep',
  payload: { ms: 10, fail: true },
  retry: { maxAttempts: 1 },
  dependsOn,
});
/** An http job that fails its first call (one attempt only: DEAD) and succeeds when run again. */
const flaky = (key: string, url: string, dependsOn: unknown[] = []) => ({
  key,
  name: key,
  handler: 'http',
  payload: { url: `${url}/flaky-${key}-${Math.random().toString(36).slice(2)}` },
  retry: { maxAttempts: 1 },
  dependsOn,
});
const slow = (key: string, ms: number, dependsOn: unknown[] = []) => ({
  key,
  name: key,
  handler: 'sleep',
  payload: { ms },
  dependsOn,
});

describe('workflows', () => {
  // Two workers, so parallel branches and racing parents really run in two processes.
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker', 'worker'] });
  let target: HttpTarget;

  beforeAll(async () => {
    // Each /flaky… path fails its first call and succeeds after; everything else answers 200.
    target = await startHttpTarget((path, count) => ({ status: path.startsWith('/flaky') && count === 1 ? 500 : 200 }));
  });
  afterAll(async () => {
    await target.close();
  });

  async function create(body: unknown) {
    return ctx.api.request<Workflow & Problem>('POST', '/v1/workflows', body);
  }

  async function createWorkflow(body: unknown): Promise<Workflow> {
    const created = await create(body);
    if (created.status !== 201) {
      throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
    }
    return created.body;
  }

  async function workflow(id: string): Promise<Workflow> {
    return (await ctx.api.request<Workflow>('GET', `/v1/workflows/${id}`)).body;
  }

  async function ended(id: string, timeoutMs = 30_000): Promise<Workflow> {
    return waitFor(
      async () => {
        const current = await workflow(id);
        return ENDED.includes(current.status) && current.jobs.every((job) => job.finishedAt !== null)
          ? current
          : undefined;
      },
      { what: `workflow ${id} to end`, timeoutMs },
    );
  }

  const jobOf = (flow: Workflow, key: string) => flow.jobs.find((job) => job.key === key) as WorkflowJob;
  /** Each job started only after every job it depends on had ended. */
  function expectOrderRespected(flow: Workflow) {
    for (const edge of flow.edges) {
      const from = jobOf(flow, edge.from);
      const to = jobOf(flow, edge.to);
      if (to.startedAt !== null) {
        expect(Date.parse(to.startedAt)).toBeGreaterThanOrEqual(Date.parse(from.finishedAt ?? ''));
      }
    }
  }
  async function runsOf(jobId: string) {
    return ctx.api.executions(jobId);
  }

  describe('shapes', () => {
    it('should run a chain one after another, passing each result on', async () => {
      const created = await createWorkflow({
        name: 'chain',
        jobs: [noop('transcode'), noop('thumbnail', ['transcode']), noop('notify', ['thumbnail'])],
      });
      expect(created.status).toBe('RUNNING');

      const flow = await ended(created.id);
      expect(flow.status).toBe('SUCCEEDED');
      expect(flow.jobs.map((job) => [job.key, job.status])).toEqual([
        ['transcode', 'SUCCEEDED'],
        ['thumbnail', 'SUCCEEDED'],
        ['notify', 'SUCCEEDED'],
      ]);
      expectOrderRespected(flow);
      expect(jobOf(flow, 'thumbnail').result).toMatchObject({
        parents: { transcode: { status: 'SUCCEEDED', result: { ok: true, echo: { key: 'transcode' } } } },
      });
      expect(flow.finishedAt).toBe(jobOf(flow, 'notify').finishedAt);
    });

    it('should fan out, fan back in and run a diamond, each job once', async () => {
      const flow = await ended(
        (
          await createWorkflow({
            name: 'diamond',
            jobs: [
              noop('transcode'),
              slow('thumbnail', 300, ['transcode']),
              slow('upload', 300, ['transcode']),
              noop('captions', ['transcode']),
              noop('notify', ['thumbnail', 'upload', 'captions']),
            ],
          })
        ).id,
      );

      expect(flow.status).toBe('SUCCEEDED');
      expectOrderRespected(flow);
      expect(flow.edges).toHaveLength(6);
      const notify = jobOf(flow, 'notify');
      expect(Object.keys((notify.result as { parents: object }).parents).sort()).toEqual([
        'captions',
        'thumbnail',
        'upload',
      ]);
      // The two slow branches ran side by side.
      const [thumbnail, upload] = [jobOf(flow, 'thumbnail'), jobOf(flow, 'upload')];
      expect(Date.parse(upload.startedAt ?? '')).toBeLessThan(Date.parse(thumbnail.finishedAt ?? ''));
      for (const job of flow.jobs) {
        expect(await runsOf(job.jobId)).toHaveLength(1);
      }
    });

    it('should release a job with as many dependencies as JOB_MAX_DEPENDENCIES allows (100) exactly once, after the last of them', async () => {
      const parents = Array.from({ length: 100 }, (_, i) => noop(`part-${i}`));
      const created = await createWorkflow({
        name: 'wide-fan-in',
        jobs: [
          ...parents,
          noop(
            'merge',
            parents.map((parent) => parent.key),
          ),
        ],
      });

      const flow = await ended(created.id, 60_000);
      expect(flow.status).toBe('SUCCEEDED');
      const merge = jobOf(flow, 'merge');
      const runs = await runsOf(merge.jobId);
      expect(runs).toHaveLength(1);
      expect(runs[0]?.attempts).toHaveLength(1);
      const lastParentEnd = Math.max(
        ...flow.jobs.filter((job) => job.key !== 'merge').map((job) => Date.parse(job.finishedAt ?? '')),
      );
      expect(Date.parse(merge.startedAt ?? '')).toBeGreaterThanOrEqual(lastParentEnd);
      expect(Object.keys((merge.result as { parents: object }).parents)).toHaveLength(100);
    }, 90_000);

    it("should send the parents' results to an http target when asked", async () => {
      const flow = await ended(
        (
          await createWorkflow({
            name: 'http-parents',
            jobs: [
              noop('build', [], { artifact: 'app.tgz' }),
              {
                key: 'deploy',
                name: 'deploy',
                handler: 'http',
                payload: { url: `${target.url}/deploy`, body: { env: 'prod' }, includeParents: true },
                dependsOn: ['build'],
              },
            ],
          })
        ).id,
      );

      expect(flow.status).toBe('SUCCEEDED');
      const [request] = target.on('/deploy');
      expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
        env: 'prod',
        parents: { build: { status: 'SUCCEEDED', result: { ok: true, echo: { artifact: 'app.tgz' } } } },
      });
    });
  });

  describe('failure policies', () => {
    it('skip (the default): the dependents of a failed job are skipped, transitively', async () => {
      const flow = await ended(
        (await createWorkflow({ name: 'skip', jobs: [failing('a'), noop('b', ['a']), noop('c', ['b']), noop('x')] }))
          .id,
      );

      expect(flow.status).toBe('FAILED');
      // Jobs come in dependency order: the independent x before b and c.
      expect(flow.jobs.map((job) => [job.key, job.status])).toEqual([
        ['a', 'DEAD'],
        ['x', 'SUCCEEDED'],
        ['b', 'SKIPPED'],
        ['c', 'SKIPPED'],
      ]);
      expect(jobOf(flow, 'b').lastError).toMatchObject({ code: 'dependency_failed' });
      expect(jobOf(flow, 'b').lastError?.message).toContain('"a" ended DEAD');
      expect(jobOf(flow, 'c').startedAt).toBeNull();
    });

    it('continue: a dependent runs anyway, and sees how its dependency ended', async () => {
      const flow = await ended(
        (
          await createWorkflow({
            name: 'continue',
            jobs: [failing('a'), noop('cleanup', [{ key: 'a', onFailure: 'continue' }]), noop('report', ['a'])],
          })
        ).id,
      );

      expect(jobOf(flow, 'cleanup').status).toBe('SUCCEEDED');
      expect(jobOf(flow, 'cleanup').result).toMatchObject({ parents: { a: { status: 'DEAD', result: null } } });
      expect(jobOf(flow, 'report').status).toBe('SKIPPED');
      expect(flow.edges).toContainEqual({ from: 'a', to: 'cleanup', onFailure: 'continue' });
      expect(flow.status).toBe('FAILED');
    });

    it('fail_workflow: the workflow fails and its jobs not yet started are cancelled', async () => {
      const flow = await ended(
        (
          await createWorkflow({
            name: 'fail-workflow',
            failurePolicy: 'fail_workflow',
            jobs: [failing('a'), noop('b', ['a']), slow('long', 1500), noop('after-long', ['long'])],
          })
        ).id,
      );

      expect(flow.status).toBe('FAILED');
      expect(jobOf(flow, 'a').status).toBe('DEAD');
      expect(jobOf(flow, 'b').status).toBe('CANCELLED');
      expect(jobOf(flow, 'after-long').status).toBe('CANCELLED');
      expect(jobOf(flow, 'after-long').lastError).toMatchObject({ code: 'workflow_failed' });
      // Already running when the workflow failed: it runs to its end.
      expect(jobOf(flow, 'long').status).toBe('SUCCEEDED');
    });
  });

  it('should cancel a workflow mid-way: the running job is aborted, the waiting ones never run', async () => {
    const created = await createWorkflow({ name: 'cancel', jobs: [slow('a', 10_000), noop('b', ['a'])] });
    await waitFor(async () => ((await workflow(created.id)).jobs[0]?.status === 'RUNNING' ? true : undefined));

    const cancelled = await ctx.api.request<Workflow>('POST', `/v1/workflows/${created.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(cancelled.body.jobs.map((job) => job.status)).toEqual(['CANCELLED', 'CANCELLED']);
    const aborted = await waitFor(async () => {
      const run = await ctx.api.execution(cancelled.body.jobs[0]?.executionId ?? '');
      return run.attempts?.[0]?.outcome === 'CANCELLED' ? run : undefined;
    });
    expect(aborted.status).toBe('CANCELLED');
    expect((await runsOf(cancelled.body.jobs[1]?.jobId ?? ''))[0]?.startedAt).toBeNull();

    const again = await ctx.api.request<Problem>('POST', `/v1/workflows/${created.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('workflow_not_cancellable');
  }, 30_000);

  it('should resume a workflow from a DEAD job that is retried', async () => {
    const flaky = {
      key: 'fetch',
      name: 'fetch',
      handler: 'http',
      payload: { url: `${target.url}/flaky` },
      retry: { maxAttempts: 1 },
    };
    const failed = await ended(
      (await createWorkflow({ name: 'retry', jobs: [flaky, noop('parse', ['fetch']), noop('store', ['parse'])] })).id,
    );
    expect(failed.jobs.map((job) => job.status)).toEqual(['DEAD', 'SKIPPED', 'SKIPPED']);

    const retried = await ctx.api.request<{ id: string; status: string }>(
      'POST',
      `/v1/executions/${jobOf(failed, 'fetch').executionId}/retry`,
    );
    expect(retried.status).toBe(201);
    expect(retried.headers.get('location')).toBe(`/v1/executions/${retried.body.id}`);

    const resumed = await ended(failed.id);
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.jobs.map((job) => job.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(jobOf(resumed, 'fetch').executionId).toBe(retried.body.id);
    expectOrderRespected(resumed);
    expect(await runsOf(jobOf(resumed, 'store').jobId)).toHaveLength(2);

    const twice = await ctx.api.request<Problem>('POST', `/v1/executions/${jobOf(failed, 'fetch').executionId}/retry`);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('execution_not_retryable');
  }, 40_000);

  describe('retrying a failed job from the workflow (the console\'s "retry" on a node)', () => {
    /** Retries the latest execution of the job `key` of `flow`, as the console does, and insists on 201. */
    async function retryNode(flow: Workflow, key: string) {
      const retried = await ctx.api.request<{ id: string; status: string }>(
        'POST',
        `/v1/executions/${jobOf(flow, key).executionId}/retry`,
      );
      expect(retried.status).toBe(201);
      return retried.body;
    }

    it('should run a DEAD job in the middle again, then the jobs it held back, and end SUCCEEDED', async () => {
      // root → fetch (fails once) → parse → merge ← side ← root
      const failed = await ended(
        (
          await createWorkflow({
            name: 'retry-middle',
            jobs: [
              noop('root'),
              flaky('fetch', target.url, ['root']),
              noop('parse', ['fetch']),
              noop('side', ['root']),
              noop('merge', ['parse', 'side']),
            ],
          })
        ).id,
      );
      expect(failed.status).toBe('FAILED');
      expect(Object.fromEntries(failed.jobs.map((job) => [job.key, job.status]))).toEqual({
        root: 'SUCCEEDED',
        fetch: 'DEAD',
        parse: 'SKIPPED',
        side: 'SUCCEEDED',
        merge: 'SKIPPED',
      });
      // What the console's list shows for it.
      const listed = (await ctx.api.workflows({ status: 'FAILED', limit: 100 })).items.find(
        (item) => item.id === failed.id,
      );
      expect(listed?.jobCounts).toMatchObject({ total: 5, succeeded: 2, dead: 1, skipped: 2 });

      // A new execution of the job, which the relay may have queued (or a worker run) by the answer.
      const retried = await retryNode(failed, 'fetch');
      expect(retried.id).not.toBe(jobOf(failed, 'fetch').executionId);

      const resumed = await ended(failed.id);
      expect(resumed.status).toBe('SUCCEEDED');
      expect(resumed.jobs.every((job) => job.status === 'SUCCEEDED')).toBe(true);
      expect(resumed.jobCounts).toMatchObject({ total: 5, succeeded: 5, dead: 0, skipped: 0 });
      expect(jobOf(resumed, 'fetch').executionId).toBe(retried.id);
      expectOrderRespected(resumed);
      // The jobs that had run are not run again; those held back run once more.
      const runs = async (key: string) => (await runsOf(jobOf(resumed, key).jobId)).length;
      expect([await runs('root'), await runs('side')]).toEqual([1, 1]);
      expect([await runs('fetch'), await runs('parse'), await runs('merge')]).toEqual([2, 2, 2]);
      expect(jobOf(resumed, 'merge').result).toMatchObject({
        parents: { parse: { status: 'SUCCEEDED' }, side: { status: 'SUCCEEDED' } },
      });
      const summary = (await ctx.api.workflows({ status: 'SUCCEEDED', limit: 100 })).items.find(
        (item) => item.id === failed.id,
      );
      expect(summary).toMatchObject({ status: 'SUCCEEDED', finishedAt: resumed.finishedAt });
    }, 40_000);

    it('should resume a workflow that fail_workflow failed: the jobs it cancelled run after the retried one', async () => {
      const failed = await ended(
        (
          await createWorkflow({
            name: 'retry-fail-workflow',
            failurePolicy: 'fail_workflow',
            jobs: [flaky('charge', target.url), noop('receipt', ['charge']), slow('ship', 600, ['charge'])],
          })
        ).id,
      );
      expect(failed.status).toBe('FAILED');
      expect(failed.jobs.map((job) => [job.key, job.status])).toEqual([
        ['charge', 'DEAD'],
        ['receipt', 'CANCELLED'],
        ['ship', 'CANCELLED'],
      ]);

      await retryNode(failed, 'charge');

      const resumed = await ended(failed.id);
      expect(resumed.status).toBe('SUCCEEDED');
      expect(resumed.jobs.map((job) => [job.key, job.status])).toEqual([
        ['charge', 'SUCCEEDED'],
        ['receipt', 'SUCCEEDED'],
        ['ship', 'SUCCEEDED'],
      ]);
      expectOrderRespected(resumed);
    }, 40_000);
  });

  describe('listing', () => {
    it("should list the namespace's workflows newest first, each with its status and its jobs counted", async () => {
      const succeeded = await createWorkflow({ name: 'list-ok', jobs: [noop('a'), noop('b', ['a'])] });
      const failed = await createWorkflow({ name: 'list-failed', jobs: [failing('a'), noop('b', ['a']), noop('c')] });
      const running = await createWorkflow({ name: 'list-running', jobs: [slow('a', 10_000), noop('b', ['a'])] });
      await ended(succeeded.id);
      await ended(failed.id);
      await waitFor(async () => (jobOf(await workflow(running.id), 'a').status === 'RUNNING' ? true : undefined));

      const page = await ctx.api.workflows({ limit: 3 });

      expect(page.items.map((item) => [item.name, item.status])).toEqual([
        ['list-running', 'RUNNING'],
        ['list-failed', 'FAILED'],
        ['list-ok', 'SUCCEEDED'],
      ]);
      const [runningItem, failedItem, succeededItem] = page.items;
      expect(runningItem?.jobCounts).toEqual({
        total: 2,
        blocked: 1,
        queued: 0,
        running: 1,
        succeeded: 0,
        dead: 0,
        cancelled: 0,
        skipped: 0,
      });
      expect(runningItem?.finishedAt).toBeNull();
      expect(failedItem?.jobCounts).toMatchObject({ total: 3, succeeded: 1, dead: 1, skipped: 1 });
      expect(succeededItem?.jobCounts).toMatchObject({ total: 2, succeeded: 2 });
      // A summary says what the workflow's own read says.
      for (const item of page.items) {
        // toEqual takes a field set to undefined for an absent one.
        expect(item).toEqual({ ...(await workflow(item.id)), jobs: undefined, edges: undefined });
      }

      // One at a time, with the cursor.
      const first = await ctx.api.workflows({ limit: 1 });
      const second = await ctx.api.workflows({ limit: 1, cursor: first.nextCursor ?? undefined });
      expect([...first.items, ...second.items].map((item) => item.id)).toEqual([running.id, failed.id]);

      // By status.
      const ids = async (status: string) =>
        (await ctx.api.workflows({ status, limit: 100 })).items.map((item) => item.id);
      expect(await ids('RUNNING')).toContain(running.id);
      expect(await ids('RUNNING')).not.toContain(failed.id);
      expect(await ids('FAILED')).toContain(failed.id);
      expect(await ids('SUCCEEDED')).toContain(succeeded.id);
      expect(await ids('SUCCEEDED')).not.toContain(failed.id);

      await ctx.api.request('POST', `/v1/workflows/${running.id}/cancel`);
      expect(await ids('CANCELLED')).toContain(running.id);
      expect(await ids('RUNNING')).not.toContain(running.id);
    }, 40_000);

    it.each([
      ['status', 'DONE'],
      ['limit', '0'],
      ['cursor', 'garbage'],
    ])('should refuse %s=%s with a 400 naming the parameter', async (parameter, value) => {
      const refused = await ctx.api.request<Problem>('GET', `/v1/workflows?${parameter}=${value}`);

      expect(refused.status).toBe(400);
      expect(refused.body.code).toMatch(/^validation_failed$/);
      expect(refused.body.errors?.map((issue) => issue.path)).toEqual([
        parameter === 'cursor' ? 'cursor' : `query.${parameter}`,
      ]);
    });
  });

  describe('a single job depending on existing jobs', () => {
    it('should wait for them, then run', async () => {
      const first = await ctx.api.createJob({ name: 'first', handler: 'sleep', payload: { ms: 500 } });
      const second = await ctx.api.createJob({ name: 'second', handler: 'noop', dependsOn: [first.id] });
      expect(second.status).toBe('BLOCKED');

      const run = await ctx.api.waitForExecution(second, 'SUCCEEDED');
      const before = await ctx.api.waitForExecution(first, 'SUCCEEDED');
      expect(Date.parse(run.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(before.finishedAt ?? ''));
      expect(run.result).toMatchObject({ parents: { [first.id]: { status: 'SUCCEEDED' } } });
    });

    it('should run at once when its dependency has already ended, and skip when it failed', async () => {
      const done = await ctx.api.createJob({ name: 'done', handler: 'noop' });
      await ctx.api.waitForExecution(done, 'SUCCEEDED');
      const dead = await ctx.api.createJob({
        name: 'dead',
        handler: 'sleep',
        payload: { ms: 1, fail: true },
        retry: { maxAttempts: 1 },
      });
      await ctx.api.waitForExecution(dead, 'DEAD');

      const afterDone = await ctx.api.createJob({ name: 'after-done', handler: 'noop', dependsOn: [done.id] });
      const afterDead = await ctx.api.createJob({ name: 'after-dead', handler: 'noop', dependsOn: [dead.id] });
      const afterDeadAnyway = await ctx.api.createJob({
        name: 'after-dead-anyway',
        handler: 'noop',
        dependsOn: [{ id: dead.id, onFailure: 'continue' }],
      });

      await ctx.api.waitForExecution(afterDone, 'SUCCEEDED');
      await ctx.api.waitForExecution(afterDead, 'SKIPPED');
      await ctx.api.waitForExecution(afterDeadAnyway, 'SUCCEEDED');
    });

    it('should refuse an unknown or recurring dependency', async () => {
      const recurring = await ctx.api.createJob({ name: 'r', handler: 'noop', schedule: { cron: '0 0 1 1 *' } });
      const unknown = '01900000-0000-7000-8000-000000000000';
      const refused = await ctx.api.request<Problem>('POST', '/v1/jobs', {
        name: 'x',
        handler: 'noop',
        dependsOn: [unknown, recurring.id],
      });

      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ path: 'dependsOn[0]', code: 'unknown_dependency' }),
        expect.objectContaining({ path: 'dependsOn[1]', code: 'recurring_dependency' }),
      ]);
      await ctx.api.request('DELETE', `/v1/jobs/${recurring.id}`);
    });
  });

  describe('validation, before anything is stored', () => {
    const cases: [string, unknown, { path: string; code: string; message?: string }[]][] = [
      [
        'a cycle',
        { name: 'w', jobs: [noop('a', ['c']), noop('b', ['a']), noop('c', ['b'])] },
        [{ path: 'jobs[0].dependsOn', code: 'dependency_cycle', message: 'dependency cycle: a → b → c → a' }],
      ],
      [
        'an unknown key',
        { name: 'w', jobs: [noop('a'), noop('b', ['a', 'nope'])] },
        [{ path: 'jobs[1].dependsOn[1]', code: 'unknown_key' }],
      ],
      [
        'a duplicate key',
        { name: 'w', jobs: [noop('a'), noop('a')] },
        [{ path: 'jobs[1].key', code: 'duplicate_key' }],
      ],
      [
        'a self dependency',
        { name: 'w', jobs: [noop('a', ['a'])] },
        [{ path: 'jobs[0].dependsOn[0]', code: 'self_dependency' }],
      ],
      [
        'too many jobs',
        { name: 'w', jobs: Array.from({ length: 1001 }, (_, i) => noop(`j${i}`)) },
        [{ path: 'jobs', code: 'too_big' }],
      ],
      [
        'an invalid job field',
        { name: 'w', jobs: [noop('a'), { key: 'b', name: 'b', handler: 'http', payload: { url: 'nope' } }] },
        [{ path: 'jobs[1].payload.url', code: 'invalid_format' }],
      ],
      [
        'an unknown handler',
        { name: 'w', jobs: [{ key: 'a', name: 'a', handler: 'teleport' }] },
        [{ path: 'jobs[0].handler', code: 'unknown_handler' }],
      ],
      [
        'a schedule',
        { name: 'w', jobs: [{ ...noop('a'), schedule: { every: '1m' } }] },
        [{ path: 'jobs[0].schedule', code: 'unrecognized_keys' }],
      ],
      ['no jobs', { name: 'w', jobs: [] }, [{ path: 'jobs', code: 'too_small' }]],
    ];

    it.each(cases)('should refuse %s, naming the jobs involved', async (_case, body, expected) => {
      const newestJob = async () =>
        (await ctx.api.request<{ items: { id: string }[] }>('GET', '/v1/jobs?limit=1')).body.items[0]?.id;
      const before = await newestJob();
      const refused = await create(body);

      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.code).toBe('validation_failed');
      expect(refused.body.errors).toEqual(expected.map((issue) => expect.objectContaining(issue) as unknown));
      expect(await newestJob()).toBe(before);
    });

    it('should answer 404 for an unknown workflow', async () => {
      const missing = await ctx.api.request<Problem>('GET', '/v1/workflows/01900000-0000-7000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('workflow_not_found');
      expect((await ctx.api.request('GET', '/v1/workflows/not-an-id')).status).toBe(404);
    });
  });
});

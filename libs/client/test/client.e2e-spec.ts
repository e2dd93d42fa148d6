import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createJobAndWait,
  createMeridianClient,
  type ExecutionSummary,
  iteratePages,
  type Job,
  type JobSummary,
  MeridianApiError,
  type MeridianClient,
  unwrap,
  verifyWebhook,
  waitForExecution,
  WaitTimeoutError,
} from '@meridian/client';
import { type HttpTarget, startHttpTarget, useStack } from '@meridian/testing';

/** The client as another TypeScript project uses it, against the whole stack over HTTP. */
describe('@meridian/client', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });
  let target: HttpTarget;
  let sut: MeridianClient;

  beforeAll(async () => {
    target = await startHttpTarget(() => ({ status: 200, body: { received: true } }));
    sut = createMeridianClient({ baseUrl: ctx.stack.apiUrl, apiKey: ctx.stack.env.API_BOOTSTRAP_KEY });
  });
  afterAll(async () => {
    await target.close();
  });

  const getJob = async (id: string) => unwrap(await sut.GET('/v1/jobs/{id}', { params: { path: { id } } }));

  describe('creating and waiting', () => {
    it('should create a job and answer it with its execution once it has succeeded', async () => {
      const { job, execution } = await createJobAndWait(sut, {
        name: 'client-hello',
        handler: 'noop',
        payload: { greeting: 'hi' },
      });

      expect(execution).toMatchObject({
        jobId: job.id,
        status: 'SUCCEEDED',
        attempt: 1,
        result: { ok: true, echo: { greeting: 'hi' } },
        attempts: [{ attempt: 1, outcome: 'SUCCEEDED', error: null }],
        attemptsNextCursor: null,
      });
      expect(job).toMatchObject({ name: 'client-hello', status: 'SUCCEEDED' });
      expect(job.latestExecution?.id).toBe(execution.id);
    });

    it('should follow a failing execution attempt by attempt until it is DEAD', async () => {
      const changes: string[] = [];

      const { execution } = await createJobAndWait(
        sut,
        {
          name: 'client-failing',
          handler: 'sleep',
          payload: { ms: 10, fail: true },
          retry: { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 200 } },
        },
        {
          intervalMs: 20,
          onChange: (seen) =>
            changes.push([seen.status, ...(seen.attempts ?? []).map((each) => each.outcome)].join(' ')),
        },
      );

      expect(execution.status).toBe('DEAD');
      expect(execution.attempts?.map((each) => each.outcome)).toEqual(['FAILED', 'FAILED']);
      expect(execution.lastError).toMatchObject({ code: 'handler_failed' });
      // Each state is told once, in the order it happened; the wait saw at least the first failure
      // on its own (the retry waits 200 ms) before the end.
      expect(new Set(changes).size).toBe(changes.length);
      expect(changes).toContain('RETRYING FAILED');
      expect(changes.at(-1)).toBe('DEAD FAILED FAILED');
    });

    it('should wait for a delayed job, and tell one not yet due from one that ended when the wait times out', async () => {
      const created = unwrap(
        await sut.POST('/v1/jobs', { body: { name: 'client-delayed', handler: 'noop', delayMs: 1_000 } }),
      );
      const executionId = 'latestExecution' in created ? created.latestExecution!.id : '';

      const tooShort = waitForExecution(sut, executionId, { timeoutMs: 200, intervalMs: 50 });
      await expect(tooShort).rejects.toThrow(WaitTimeoutError);
      // A delayed execution is QUEUED (in BullMQ's delayed set) until it is due.
      await expect(tooShort).rejects.toMatchObject({ execution: { status: 'QUEUED' } });

      const execution = await waitForExecution(sut, executionId, { intervalMs: 50 });
      expect(execution.status).toBe('SUCCEEDED');
      expect(Date.parse(execution.startedAt!)).toBeGreaterThanOrEqual(Date.parse(execution.createdAt) + 1_000);
    });

    it('should stop waiting when its signal is aborted', async () => {
      const created = unwrap(
        await sut.POST('/v1/jobs', { body: { name: 'client-aborted', handler: 'noop', delayMs: 60_000 } }),
      );
      const controller = new AbortController();
      const reason = new Error('no longer wanted');
      setTimeout(() => controller.abort(reason), 100);

      await expect(
        waitForExecution(sut, (created as Job).latestExecution!.id, { signal: controller.signal }),
      ).rejects.toBe(reason);
    });
  });

  describe('reading', () => {
    it('should read every job of a filtered list through its pages', async () => {
      const name = `client-page-${randomUUID()}`;
      const created: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        created.push(unwrap(await sut.POST('/v1/jobs', { body: { name, handler: 'noop' } })).id);
      }
      const cursors: (string | undefined)[] = [];

      const listed: JobSummary[] = [];
      for await (const job of iteratePages(async (cursor) => {
        cursors.push(cursor);
        return unwrap(await sut.GET('/v1/jobs', { params: { query: { name, limit: 2, cursor } } }));
      })) {
        listed.push(job);
      }

      // Newest first, each once, in pages of two: the third page holds the last one.
      expect(listed.map((job) => job.id)).toEqual([...created].reverse());
      expect(cursors).toHaveLength(3);
      expect(cursors[0]).toBeUndefined();
    });

    it("should list a job's executions and read one with its attempts", async () => {
      const { job, execution } = await createJobAndWait(sut, { name: 'client-executions', handler: 'noop' });

      const page = unwrap(await sut.GET('/v1/jobs/{id}/executions', { params: { path: { id: job.id } } }));
      const read = unwrap(await sut.GET('/v1/executions/{id}', { params: { path: { id: execution.id } } }));

      expect(page.items.map((each: ExecutionSummary) => each.id)).toEqual([execution.id]);
      expect(page.nextCursor).toBeNull();
      expect(read).toMatchObject({ id: execution.id, status: 'SUCCEEDED', attempts: [{ outcome: 'SUCCEEDED' }] });
    });
  });

  describe('recurring jobs', () => {
    it("should answer a recurring job's upcoming runs, wait for its first run and list its occurrences", async () => {
      const { job, execution } = await createJobAndWait(sut, {
        name: 'client-recurring',
        handler: 'noop',
        schedule: { everyMs: 1_000 },
      });
      expect(job.schedule).toMatchObject({ state: 'ACTIVE' });
      expect(execution).toMatchObject({ jobId: job.id, status: 'SUCCEEDED' });
      expect(execution.nominalTime).not.toBeNull();

      const upcoming = unwrap(
        await sut.GET('/v1/jobs/{id}/upcoming', { params: { path: { id: job.id }, query: { count: 3 } } }),
      );
      const times = upcoming.items.map((run) => Date.parse(run.nominalTime));
      expect(times).toHaveLength(3);
      expect(times.slice(1).map((time, index) => time - times[index]!)).toEqual([1_000, 1_000]);

      const occurrences = unwrap(await sut.GET('/v1/jobs/{id}/occurrences', { params: { path: { id: job.id } } }));
      expect(occurrences.items.map((occurrence) => occurrence.executionId)).toContain(execution.id);

      const paused = unwrap(await sut.POST('/v1/jobs/{id}/pause', { params: { path: { id: job.id } }, body: {} }));
      expect(paused.schedule).toMatchObject({ state: 'PAUSED' });
      const deleted = await sut.DELETE('/v1/jobs/{id}', { params: { path: { id: job.id } } });
      expect(deleted.response.status).toBe(204);
    });
  });

  describe('workflows', () => {
    it('should create a workflow and read it until every job has ended', async () => {
      const created = unwrap(
        await sut.POST('/v1/workflows', {
          body: {
            name: 'client-chain',
            jobs: [
              { key: 'extract', name: 'extract', handler: 'noop' },
              { key: 'load', name: 'load', handler: 'noop', dependsOn: ['extract'] },
            ],
          },
        }),
      );
      expect(created.jobs.map((job) => job.key)).toEqual(['extract', 'load']);

      for (const job of created.jobs) {
        expect((await waitForExecution(sut, job.executionId)).status).toBe('SUCCEEDED');
      }
      const read = unwrap(await sut.GET('/v1/workflows/{id}', { params: { path: { id: created.id } } }));
      expect(read.status).toBe('SUCCEEDED');
      expect(read.edges).toEqual([expect.objectContaining({ from: 'extract', to: 'load' })]);
    });
  });

  describe('problems', () => {
    async function refusal(call: () => Promise<unknown>): Promise<MeridianApiError> {
      try {
        await call();
      } catch (error) {
        if (error instanceof MeridianApiError) {
          return error;
        }
        throw error;
      }
      throw new Error('the call succeeded');
    }

    it('should answer an unknown job as a MeridianApiError with its status and code', async () => {
      const error = await refusal(async () => getJob(randomUUID()));

      expect(error).toMatchObject({ status: 404, code: 'job_not_found', problem: { status: 404 } });
    });

    it('should name each refused field of a bad create', async () => {
      const error = await refusal(() => createJobAndWait(sut, { name: '', handler: 'noop', delayMs: -1 }));

      expect(error.status).toBe(400);
      expect(error.code).toBe('validation_failed');
      expect(error.problem?.errors?.map((issue) => issue.path).sort()).toEqual(['delayMs', 'name']);
      expect(error.message).toContain('name');
    });

    it('should answer a second cancel as job_not_cancellable', async () => {
      const job = unwrap(
        await sut.POST('/v1/jobs', { body: { name: 'client-cancel', handler: 'noop', delayMs: 60_000 } }),
      );
      const cancel = async () => unwrap(await sut.POST('/v1/jobs/{id}/cancel', { params: { path: { id: job.id } } }));

      expect((await cancel()).status).toBe('CANCELLED');
      expect(await refusal(cancel)).toMatchObject({ status: 409, code: 'job_not_cancellable' });
    });

    it('should answer a request without a valid key with 401', async () => {
      const stranger = createMeridianClient({ baseUrl: ctx.stack.apiUrl, apiKey: 'mk_not_a_key' });

      const error = await refusal(async () => unwrap(await stranger.GET('/v1/jobs', {})));

      expect(error.status).toBe(401);
      expect(error.problem).toBeDefined();
    });
  });

  describe('webhooks', () => {
    it("should verify the signature of an http job's request with the namespace's secret", async () => {
      const { secret } = unwrap(await sut.GET('/v1/namespace/webhook-secret'));

      await createJobAndWait(sut, {
        name: 'client-webhook',
        handler: 'http',
        payload: { url: `${target.url}/hooks/invoice`, method: 'POST', body: { invoice: 42 } },
      });
      const [received] = target.on('/hooks/invoice');

      const check = verifyWebhook(secret, received!.headers['meridian-signature'] as string, received!.body, {
        request: {
          method: received!.method,
          url: `${target.url}${received!.path}`,
          executionId: received!.headers['x-meridian-execution-id'],
          attempt: received!.headers['x-meridian-attempt'],
        },
      });
      expect(check.valid).toBe(true);
      expect(
        verifyWebhook('another secret', received!.headers['meridian-signature'] as string, received!.body).valid,
      ).toBe(false);
    });
  });
});

import { describe, expect, it, jest } from '@jest/globals';
import { type ApiResponse, type JobView, useStack } from '@meridian/testing';

// Waits are bounded by waitFor's own deadline (20 s), which fails with a clearer message than jest's.
jest.setTimeout(30_000);

const job = (name: string) => ({ name, handler: 'noop', payload: { name } });

describe('Prefer: return=minimal on creates', () => {
  const ctx = useStack();

  function expectMinimal(response: ApiResponse<unknown>): void {
    expect(response.status).toBe(201);
    expect(response.headers.get('preference-applied')).toBe('return=minimal');
    expect(response.headers.get('vary')).toContain('Prefer');
  }

  it('should answer a single create with its id and status only, with Location, Preference-Applied and Vary', async () => {
    const created = await ctx.api.request<JobView>('POST', '/v1/jobs', job('small'), { Prefer: 'return=minimal' });

    expectMinimal(created);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'PENDING' });
    expect(created.headers.get('location')).toBe(`/v1/jobs/${created.body.id}`);
    const stored = await ctx.api.job(created.body.id);
    expect(stored).toMatchObject({ name: 'small', handler: 'noop' });
    await ctx.api.waitForExecution(stored, 'SUCCEEDED');
  });

  it('should answer a batch with the id and status of each job only, in request order', async () => {
    const created = await ctx.api.request<{ jobs: JobView[] }>(
      'POST',
      '/v1/jobs/batch',
      { jobs: [job('small-0'), job('small-1')] },
      { Prefer: 'return=minimal' },
    );

    expectMinimal(created);
    expect(created.body.jobs).toEqual([
      { id: expect.any(String), status: 'PENDING' },
      { id: expect.any(String), status: 'PENDING' },
    ]);
    const names = await Promise.all(created.body.jobs.map(async ({ id }) => (await ctx.api.job(id)).name));
    expect(names).toEqual(['small-0', 'small-1']);
  });

  it('should find return=minimal among other preferences, whatever the case and the white space', async () => {
    const headers = [
      'respond-async, wait=10, return=minimal',
      'RETURN = Minimal',
      'handling=lenient; strict,  return=minimal ; x=y',
      'x-note="a, b", return="minimal"',
      'return=minimal, return=representation',
    ];
    for (const prefer of headers) {
      const created = await ctx.api.request<JobView>('POST', '/v1/jobs', job('variant'), { Prefer: prefer });
      expectMinimal(created);
      expect(Object.keys(created.body).sort()).toEqual(['id', 'status']);
    }
  });

  it('should answer with the whole job by default, on return=representation and on unknown preferences', async () => {
    const cases: [Record<string, string>, string | null][] = [
      [{}, null],
      [{ Prefer: 'return=representation' }, 'return=representation'],
      [{ Prefer: 'respond-async' }, null],
      [{ Prefer: 'return=tiny' }, null],
      [{ Prefer: 'return=representation, return=minimal' }, 'return=representation'],
    ];
    for (const [headers, applied] of cases) {
      const created = await ctx.api.request<JobView>('POST', '/v1/jobs', job('whole'), headers);
      expect(created.status).toBe(201);
      expect(created.headers.get('preference-applied')).toBe(applied);
      expect(created.headers.get('vary')).toContain('Prefer');
      expect(created.body).toMatchObject({ name: 'whole', handler: 'noop', payload: { name: 'whole' } });
      expect(created.body.latestExecution).toMatchObject({ jobId: created.body.id });

      const batch = await ctx.api.request<{ jobs: JobView[] }>(
        'POST',
        '/v1/jobs/batch',
        { jobs: [job('whole')] },
        headers,
      );
      expect(batch.status).toBe(201);
      expect(batch.headers.get('preference-applied')).toBe(applied);
      expect(batch.body.jobs[0]).toMatchObject({ name: 'whole', latestExecution: { jobId: batch.body.jobs[0]?.id } });
    }
  });

  it('should answer a replayed create as the replay prefers it', async () => {
    const headers = { 'Idempotency-Key': 'prefer-replay' };
    const whole = await ctx.api.request<JobView>('POST', '/v1/jobs', job('replayed'), headers);

    const small = await ctx.api.request<JobView>('POST', '/v1/jobs', job('replayed'), {
      ...headers,
      Prefer: 'return=minimal',
    });

    expectMinimal(small);
    expect(small.headers.get('idempotent-replayed')).toBe('true');
    expect(small.headers.get('location')).toBe(`/v1/jobs/${whole.body.id}`);
    expect(small.body).toEqual({ id: whole.body.id, status: expect.any(String) });
  });

  it('should describe the batch create and the Prefer header in the OpenAPI document', async () => {
    type Operation = { parameters?: { name: string; in: string }[]; requestBody?: unknown; responses: object };
    const document = await ctx.api.request<{
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties?: object }> };
    }>('GET', '/docs-json');

    const single = document.body.paths['/v1/jobs']?.post;
    const batch = document.body.paths['/v1/jobs/batch']?.post;
    for (const operation of [single, batch]) {
      expect(operation?.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'Prefer', in: 'header' }),
          expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
        ]),
      );
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '409']));
    }
    expect(JSON.stringify(batch?.requestBody)).toContain('#/components/schemas/CreateJobBatchRequest');
    expect(Object.keys(document.body.components.schemas.CreateJobBatchRequest?.properties ?? {})).toEqual(['jobs']);
  });
});

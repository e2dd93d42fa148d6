import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ApiClient, type HttpTarget, startHttpTarget, useStack, waitFor } from '@meridian/testing';

import { expectProblem } from './support.js';

interface AllowedTargetsView {
  namespace: string;
  own: string[];
  processWide: string[];
}

describe("a namespace's own allowed targets", () => {
  // Loopback, where the test's receiver listens, is not allowed process-wide here.
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'], env: { HTTP_ALLOWED_TARGETS: '10.20.0.0/16' } });
  let target: HttpTarget;
  const keys = { operator: '', billing: '', other: '' };

  beforeAll(async () => {
    target = await startHttpTarget(() => ({ status: 200 }));
    const create = async (body: object) => (await ctx.api.request<{ key: string }>('POST', '/v1/keys', body)).body.key;
    keys.operator = await create({ name: 'ops', scopes: ['operator'] });
    keys.billing = await create({ name: 'billing-admin', namespace: 'billing', scopes: ['admin', 'jobs:write'] });
    keys.other = await create({ name: 'other-ci', namespace: 'other', scopes: ['jobs:write'] });
  });
  afterAll(async () => {
    await target.close();
  });

  const call = async (api: ApiClient, path: string) => {
    const job = await api.createJob({ name: 'internal', handler: 'http', payload: { url: `${target.url}${path}` } });
    const execution = await waitFor(
      async () => {
        const current = await api.execution(job.latestExecution?.id ?? '');
        return ['SUCCEEDED', 'DEAD'].includes(current.status) ? current : undefined;
      },
      { what: `job ${job.id} to end` },
    );
    return { status: execution.status, error: execution.lastError as { details?: { reason?: string } } | null };
  };

  it('should let an operator allow a namespace internal ranges, used with the process-wide ones', async () => {
    const operator = ctx.api.as(keys.operator);

    const set = await operator.request<AllowedTargetsView>('PUT', '/v1/namespaces/billing/http-allowed-targets', {
      ranges: ['127.0.0.1/32', '::1/128', '127.0.0.1/32'],
    });

    expect(set.status).toBe(200);
    expect(set.body).toEqual({ namespace: 'billing', own: ['127.0.0.1/32', '::1/128'], processWide: ['10.20.0.0/16'] });
    expect((await operator.request('GET', '/v1/namespaces/billing/http-allowed-targets')).body).toEqual(set.body);
    const audit = await ctx.api.request<{ items: unknown[] }>(
      'GET',
      '/v1/audit?action=namespace.http_allowed_targets_set',
    );
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        target: { type: 'namespace', id: 'billing' },
        before: { namespace: 'billing', own: [], processWide: ['10.20.0.0/16'] },
        after: set.body,
      }),
    ]);
    expect((await operator.request('GET', '/v1/namespaces/other/http-allowed-targets')).body).toEqual({
      namespace: 'other',
      own: [],
      processWide: ['10.20.0.0/16'],
    });
  });

  it('should call the allowed range for that namespace only', async () => {
    expect(await call(ctx.api.as(keys.billing), '/billing')).toEqual({ status: 'SUCCEEDED', error: null });

    const refused = await call(ctx.api.as(keys.other), '/other');
    expect(refused).toMatchObject({ status: 'DEAD', error: { details: { reason: 'forbidden_target' } } });
    expect(target.on('/other')).toEqual([]);
  });

  it('should let no one but an operator set them, not even the namespace itself', async () => {
    const body = { ranges: ['10.0.0.0/8'] };
    for (const key of [keys.billing, keys.other]) {
      expectProblem(
        await ctx.api.as(key).request('PUT', '/v1/namespaces/billing/http-allowed-targets', body),
        403,
        'insufficient_scope',
      );
    }
    expectProblem(
      await ctx.api.as(keys.billing).request('GET', '/v1/namespaces/billing/http-allowed-targets'),
      403,
      'insufficient_scope',
    );
  });

  it.each([
    ['a range that is not CIDR', { ranges: ['10.0.0.0'] }, 'ranges.0'],
    ['a host name', { ranges: ['internal.example.com/32'] }, 'ranges.0'],
    ['a prefix too long', { ranges: ['10.0.0.0/33'] }, 'ranges.0'],
    ['no list', {}, 'ranges'],
    ['an unknown field', { ranges: [], everything: true }, 'everything'],
  ])('should refuse %s, and change nothing', async (_case, body, path) => {
    const operator = ctx.api.as(keys.operator);

    const problem = expectProblem(
      await operator.request('PUT', '/v1/namespaces/billing/http-allowed-targets', body),
      400,
      'validation_failed',
    );

    expect(problem.errors?.map((error) => error.path)).toEqual([path]);
    expect(
      (await operator.request<AllowedTargetsView>('GET', '/v1/namespaces/billing/http-allowed-targets')).body.own,
    ).toEqual(['127.0.0.1/32', '::1/128']);
  });
});

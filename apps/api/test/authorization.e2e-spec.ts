import { beforeAll, describe, expect, it } from '@jest/globals';
import { type ApiClient, useStack, waitFor } from '@meridian/testing';

type Scope = 'jobs:read' | 'jobs:write' | 'admin';

interface Route {
  name: string;
  method: string;
  scope: Scope;
  /** Makes what the route acts on, in the namespace `alpha`, and returns the path and body. */
  setup: (alpha: ApiClient) => Promise<{ path: string; body?: unknown }>;
  /** The answer to a key of the right namespace and scope. */
  ok: number;
  /** Whether the route names one resource: another namespace's key then gets a 404. */
  owned: boolean;
}

const oneOff = { name: 'later', handler: 'noop', delayMs: 3_600_000 };
const recurring = { name: 'yearly', handler: 'noop', schedule: { cron: '0 0 1 1 *' } };
const workflow = { name: 'w', jobs: [{ key: 'a', name: 'a', handler: 'noop', delayMs: 3_600_000 }] };

async function created(api: ApiClient, path: string, body: unknown): Promise<string> {
  const response = await api.request<{ id: string }>('POST', path, body);
  if (response.status !== 201) {
    throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body.id;
}
const aJob = async (api: ApiClient, body: unknown = oneOff) => created(api, '/v1/jobs', body);
async function anExecution(api: ApiClient): Promise<string> {
  const id = await aJob(api);
  return (await api.job(id)).latestExecution?.id ?? '';
}
async function aDeadExecution(api: ApiClient): Promise<string> {
  const id = await aJob(api, {
    name: 'dead',
    handler: 'sleep',
    payload: { ms: 1, fail: true },
    retry: { maxAttempts: 1 },
  });
  return waitFor(async () => {
    const latest = (await api.job(id)).latestExecution;
    return latest?.status === 'DEAD' ? latest.id : undefined;
  });
}

const ROUTES: Route[] = [
  {
    name: 'create a job',
    method: 'POST',
    scope: 'jobs:write',
    ok: 201,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/jobs', body: oneOff }),
  },
  {
    name: 'list jobs',
    method: 'GET',
    scope: 'jobs:read',
    ok: 200,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/jobs' }),
  },
  {
    name: 'get a job',
    method: 'GET',
    scope: 'jobs:read',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a)}` }),
  },
  {
    name: "list a job's executions",
    method: 'GET',
    scope: 'jobs:read',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a)}/executions` }),
  },
  {
    name: 'cancel a job',
    method: 'POST',
    scope: 'jobs:write',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a)}/cancel` }),
  },
  {
    name: 'delete a job',
    method: 'DELETE',
    scope: 'jobs:write',
    ok: 204,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a)}` }),
  },
  {
    name: 'preview a schedule',
    method: 'GET',
    scope: 'jobs:read',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a, recurring)}/upcoming` }),
  },
  {
    name: 'change a recurring job',
    method: 'PATCH',
    scope: 'jobs:write',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a, recurring)}`, body: { name: 'renamed' } }),
  },
  {
    name: 'pause',
    method: 'POST',
    scope: 'jobs:write',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a, recurring)}/pause` }),
  },
  {
    name: 'resume',
    method: 'POST',
    scope: 'jobs:write',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a, recurring)}/resume` }),
  },
  {
    name: 'trigger',
    method: 'POST',
    scope: 'jobs:write',
    ok: 201,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a, recurring)}/trigger` }),
  },
  {
    name: 'backfill',
    method: 'POST',
    scope: 'jobs:write',
    ok: 200,
    owned: true,
    setup: async (a) => ({
      path: `/v1/jobs/${await aJob(a, recurring)}/backfill`,
      body: { from: '2020-01-01T00:00:00Z', to: '2021-01-01T00:00:00Z', dryRun: true },
    }),
  },
  {
    name: 'read the ledger',
    method: 'GET',
    scope: 'jobs:read',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/jobs/${await aJob(a, recurring)}/occurrences` }),
  },
  {
    name: 'get an execution',
    method: 'GET',
    scope: 'jobs:read',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/executions/${await anExecution(a)}` }),
  },
  {
    name: 'retry an execution',
    method: 'POST',
    scope: 'jobs:write',
    ok: 201,
    owned: true,
    setup: async (a) => ({ path: `/v1/executions/${await aDeadExecution(a)}/retry` }),
  },
  {
    name: 'create a workflow',
    method: 'POST',
    scope: 'jobs:write',
    ok: 201,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/workflows', body: workflow }),
  },
  {
    name: 'get a workflow',
    method: 'GET',
    scope: 'jobs:read',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/workflows/${await created(a, '/v1/workflows', workflow)}` }),
  },
  {
    name: 'cancel a workflow',
    method: 'POST',
    scope: 'jobs:write',
    ok: 200,
    owned: true,
    setup: async (a) => ({ path: `/v1/workflows/${await created(a, '/v1/workflows', workflow)}/cancel` }),
  },
  {
    name: 'create a key',
    method: 'POST',
    scope: 'admin',
    ok: 201,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/keys', body: { name: 'k', scopes: ['jobs:read'] } }),
  },
  {
    name: 'list keys',
    method: 'GET',
    scope: 'admin',
    ok: 200,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/keys' }),
  },
  {
    name: 'revoke a key',
    method: 'DELETE',
    scope: 'admin',
    ok: 204,
    owned: true,
    setup: async (a) => ({ path: `/v1/keys/${await created(a, '/v1/keys', { name: 'k', scopes: ['jobs:read'] })}` }),
  },
  {
    name: 'read the audit log',
    method: 'GET',
    scope: 'admin',
    ok: 200,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/audit' }),
  },
  {
    name: 'read the webhook secret',
    method: 'GET',
    scope: 'admin',
    ok: 200,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/namespace/webhook-secret' }),
  },
  {
    name: 'rotate the webhook secret',
    method: 'POST',
    scope: 'admin',
    ok: 200,
    owned: false,
    setup: () => Promise.resolve({ path: '/v1/namespace/webhook-secret/rotate' }),
  },
];

describe('authorization', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });
  const keys: Record<string, string> = {};
  const as = (name: string | undefined) => ctx.api.as(name === undefined ? undefined : keys[name]);

  beforeAll(async () => {
    for (const [name, namespace, scopes] of [
      ['alpha:admin', 'alpha', ['admin']],
      ['alpha:jobs:write', 'alpha', ['jobs:write']],
      ['alpha:jobs:read', 'alpha', ['jobs:read']],
      ['beta:admin', 'beta', ['admin']],
    ] as const) {
      const response = await ctx.api.request<{ key: string }>('POST', '/v1/keys', { name, namespace, scopes });
      keys[name] = response.body.key;
    }
  });

  describe.each(ROUTES)('$method to $name', (route) => {
    const call = async (key: string | undefined) => {
      const { path, body } = await route.setup(as('alpha:admin'));
      return as(key).request<{ code?: string }>(route.method, path, body);
    };

    it('should answer 401 without a key, or with a key that is not one', async () => {
      const anonymous = await call(undefined);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('unauthorized');
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      const { path, body } = await route.setup(as('alpha:admin'));
      const forged = await ctx.api.as(`mk_${'0'.repeat(32)}_${'A'.repeat(43)}`).request(route.method, path, body);
      expect(forged.status).toBe(401);
    });

    if (route.scope !== 'jobs:read') {
      it(`should answer 403 to a key without ${route.scope}`, async () => {
        const weaker = route.scope === 'admin' ? 'alpha:jobs:write' : 'alpha:jobs:read';
        const refused = await call(weaker);
        expect(refused.status).toBe(403);
        expect(refused.body.code).toBe('insufficient_scope');
      });
    }

    if (route.owned) {
      it("should answer 404 to another namespace's key, as if it did not exist", async () => {
        const foreign = await call('beta:admin');
        expect(foreign.status).toBe(404);
      });
    }

    it(`should answer ${route.ok} to the right key`, async () => {
      const name = route.scope === 'admin' ? 'alpha:admin' : `alpha:${route.scope}`;
      const allowed = await call(name);
      expect(allowed.status).toBe(route.ok);
    });
  });

  it("should list only the namespace's own jobs and keys", async () => {
    const mine = await aJob(as('alpha:jobs:write'));
    const theirs = await as('beta:admin').request<{ items: { id: string }[] }>('GET', '/v1/jobs?limit=100');
    expect(theirs.body.items.map((job) => job.id)).not.toContain(mine);
    const betaKeys = await as('beta:admin').request<{ items: { namespace: string }[] }>('GET', '/v1/keys');
    expect(new Set(betaKeys.body.items.map((key) => key.namespace))).toEqual(new Set(['beta']));
  });

  it('should stop a revoked key at once', async () => {
    const created = await as('alpha:admin').request<{ id: string; key: string }>('POST', '/v1/keys', {
      name: 'short-lived',
      scopes: ['jobs:read'],
    });
    expect((await ctx.api.as(created.body.key).request('GET', '/v1/jobs')).status).toBe(200);

    expect((await as('alpha:admin').request('DELETE', `/v1/keys/${created.body.id}`)).status).toBe(204);
    expect((await ctx.api.as(created.body.key).request('GET', '/v1/jobs')).status).toBe(401);
  });

  it('should let only the bootstrap key create keys in another namespace', async () => {
    const refused = await as('alpha:admin').request<{ code: string }>('POST', '/v1/keys', {
      name: 'x',
      namespace: 'beta',
      scopes: ['admin'],
    });
    expect(refused.status).toBe(403);
    const made = await ctx.api.request<{ namespace: string; key: string }>('POST', '/v1/keys', {
      name: 'x',
      namespace: 'gamma',
      scopes: ['jobs:read'],
    });
    expect(made.status).toBe(201);
    expect(made.body.namespace).toBe('gamma');
    expect(made.body.key).toMatch(/^mk_[0-9a-f]{32}_/);
    const listed = await ctx.api.request<{ items: { id: string; key?: string }[] }>('GET', '/v1/keys');
    expect(listed.body.items.every((key) => key.key === undefined)).toBe(true);
  });

  it('should keep health probes and the API description open', async () => {
    const anonymous = ctx.api.as(undefined);
    expect((await anonymous.request('GET', '/healthz')).status).toBe(200);
    expect((await anonymous.request('GET', '/readyz')).status).toBe(200);
    expect((await anonymous.request('GET', '/docs-json')).status).toBe(200);
  });
});

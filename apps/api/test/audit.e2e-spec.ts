import { beforeAll, describe, expect, it } from '@jest/globals';
import { type ApiClient, useStack, waitFor } from '@meridian/testing';

interface AuditEntry {
  action: string;
  actor: { keyId: string; name: string };
  target: { type: string; id: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

describe('audit log', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });
  let admin: ApiClient;
  let adminKeyId: string;

  beforeAll(async () => {
    const created = await ctx.api.request<{ id: string; key: string }>('POST', '/v1/keys', {
      name: 'auditor',
      namespace: 'audited',
      scopes: ['admin'],
    });
    admin = ctx.api.as(created.body.key);
    adminKeyId = created.body.id;
  });

  async function entries(query = ''): Promise<AuditEntry[]> {
    const page = await admin.request<{ items: AuditEntry[] }>('GET', `/v1/audit?limit=100${query}`);
    expect(page.status).toBe(200);
    return [...page.body.items].reverse();
  }

  it('should record who made each change, to what, and the target before and after', async () => {
    const recurring = await admin.createJob({ name: 'report', handler: 'noop', schedule: { cron: '0 0 1 1 *' } });
    await admin.request('PATCH', `/v1/jobs/${recurring.id}`, { name: 'monthly-report' });
    await admin.request('POST', `/v1/jobs/${recurring.id}/pause`, { note: 'holidays' });
    await admin.request('POST', `/v1/jobs/${recurring.id}/resume`);
    await admin.request('POST', `/v1/jobs/${recurring.id}/trigger`);
    await admin.request('POST', `/v1/jobs/${recurring.id}/backfill`, {
      from: '2024-01-01T00:00:00Z',
      to: '2024-12-31T00:00:00Z',
      dryRun: true,
    });
    await admin.request('POST', `/v1/jobs/${recurring.id}/backfill`, {
      from: '2024-01-01T00:00:00Z',
      to: '2024-12-31T00:00:00Z',
    });
    const later = await admin.createJob({ name: 'later', handler: 'noop', delayMs: 3_600_000 });
    await admin.request('POST', `/v1/jobs/${later.id}/cancel`);
    await admin.request('DELETE', `/v1/jobs/${later.id}`);
    const dead = await admin.createJob({
      name: 'dead',
      handler: 'sleep',
      payload: { ms: 1, fail: true },
      retry: { maxAttempts: 1 },
    });
    const deadRun = await admin.waitForExecution(dead, 'DEAD');
    await admin.request('POST', `/v1/executions/${deadRun.id}/retry`);
    const workflow = await admin.request<{ id: string }>('POST', '/v1/workflows', {
      name: 'w',
      jobs: [{ key: 'a', name: 'a', handler: 'noop', delayMs: 3_600_000 }],
    });
    await admin.request('POST', `/v1/workflows/${workflow.body.id}/cancel`);
    const key = await admin.request<{ id: string }>('POST', '/v1/keys', { name: 'ci', scopes: ['jobs:read'] });
    await admin.request('DELETE', `/v1/keys/${key.body.id}`);
    await admin.request('POST', '/v1/namespace/webhook-secret/rotate');

    // Each entry commits with its change, so it is there as soon as the change is answered.
    const log = await entries();
    expect(log.map((entry) => `${entry.action} ${entry.target.type}`)).toEqual([
      'job.created job',
      'job.updated job',
      'job.paused job',
      'job.resumed job',
      'job.triggered job',
      'job.backfilled job',
      'job.created job',
      'job.cancelled job',
      'job.deleted job',
      'job.created job',
      'execution.retried execution',
      'workflow.created workflow',
      'workflow.cancelled workflow',
      'key.created key',
      'key.revoked key',
      'webhook_secret.rotated namespace',
    ]);
    expect(new Set(log.map((entry) => entry.actor.keyId))).toEqual(new Set([adminKeyId]));
    expect(log[0]?.actor.name).toBe('auditor');

    const updated = log[1];
    expect(updated?.target.id).toBe(recurring.id);
    expect(updated?.before).toMatchObject({ name: 'report' });
    expect(updated?.after).toMatchObject({ name: 'monthly-report' });
    expect(log[2]?.before).toMatchObject({ schedule: { state: 'ACTIVE' } });
    expect(log[2]?.after).toMatchObject({ schedule: { state: 'PAUSED', pauseNote: 'holidays' } });
    const deleted = log[8];
    expect(deleted?.before).toMatchObject({ id: later.id, status: 'CANCELLED' });
    expect(deleted?.after).toBeNull();
    expect(log[14]?.before).toMatchObject({ id: key.body.id, revokedAt: null });
    expect(log[14]?.after).toMatchObject({ id: key.body.id, revokedAt: expect.any(String) });
    // Secrets are never written to the log.
    expect(log[13]?.after).not.toHaveProperty('key');
    expect(log[15]?.after).not.toHaveProperty('secret');
  }, 30_000);

  it('should record a delete whatever its body says: only a backfill has a dry run', async () => {
    const job = await admin.createJob({ name: 'not-a-dry-run', handler: 'noop', delayMs: 3_600_000 });

    const deleted = await admin.request('DELETE', `/v1/jobs/${job.id}`, { dryRun: true });

    expect(deleted.status).toBe(204);
    expect((await admin.request('GET', `/v1/jobs/${job.id}`)).status).toBe(404);
    expect(await entries(`&targetId=${job.id}`)).toEqual([
      expect.objectContaining({ action: 'job.created' }),
      expect.objectContaining({ action: 'job.deleted', before: expect.objectContaining({ id: job.id }) }),
    ]);
  });

  it("should keep the names of an http job's headers in its entries, never their values", async () => {
    const headers = { Authorization: 'Bearer s3cret-token', 'X-Api-Key': 'another-secret' };
    const job = await admin.createJob({
      name: 'webhook',
      handler: 'http',
      payload: { url: 'https://example.com/hook', method: 'POST', headers },
      delayMs: 3_600_000,
    });
    await admin.request('DELETE', `/v1/jobs/${job.id}`);

    const [created, deleted] = await entries(`&targetId=${job.id}`);
    const redacted = { Authorization: '[redacted]', 'X-Api-Key': '[redacted]' };
    expect(created?.after).toMatchObject({ payload: { url: 'https://example.com/hook', headers: redacted } });
    expect(deleted?.before).toMatchObject({ payload: { headers: redacted } });
    expect(JSON.stringify([created, deleted])).not.toMatch(/s3cret-token|another-secret/);
    // The job itself keeps them: the http handler sends them.
    expect(job.payload).toMatchObject({ headers });
  });

  it('should filter by action and by target, and be readable by admin keys of the namespace only', async () => {
    const paused = await entries('&action=job.paused');
    expect(paused.map((entry) => entry.action)).toEqual(['job.paused']);
    const target = paused[0]?.target.id ?? '';
    expect((await entries(`&targetId=${target}`)).length).toBeGreaterThanOrEqual(6);

    const reader = await admin.request<{ key: string }>('POST', '/v1/keys', { name: 'r', scopes: ['jobs:write'] });
    expect((await ctx.api.as(reader.body.key).request('GET', '/v1/audit')).status).toBe(403);
    const elsewhere = await ctx.api.request<{ items: AuditEntry[] }>('GET', '/v1/audit?limit=100');
    expect(elsewhere.body.items.some((entry) => entry.target.id === target)).toBe(false);
  });

  it('should not record a replayed create or a refused change', async () => {
    const body = { name: 'once', handler: 'noop', delayMs: 3_600_000 };
    await admin.createJob(body, { 'Idempotency-Key': 'audit-once' });
    await admin.createJob(body, { 'Idempotency-Key': 'audit-once' });
    const refused = await admin.request('POST', '/v1/jobs', { name: 'refused', handler: 'no such handler' });
    expect(refused.status).toBe(400);

    const createdOnce = (await entries('&action=job.created')).filter((entry) => entry.after?.name === 'once');
    expect(createdOnce).toHaveLength(1);
    expect((await entries()).some((entry) => entry.after?.name === 'refused')).toBe(false);
  });
});

describe('audit log of refused requests', () => {
  // The api trusts the loopback proxy, so that each request can come from an address of its own.
  const ctx = useStack({
    apps: ['api'],
    env: {
      API_TRUST_PROXY: 'loopback',
      AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE: '3',
      AUDIT_REFUSALS_PER_NAMESPACE_PER_MINUTE: '10',
    },
  });
  /** A key that parses, with an id no key has. */
  const unknownKey = `mk_${'ab'.repeat(16)}_${'x'.repeat(43)}`;
  const unknownKeyId = 'abababab-abab-abab-abab-abababababab';

  /** Requests from `address` with `key` (null: none). */
  const from = (address: string, key: string | null = unknownKey) => ({
    request: (method: string, path: string, body?: unknown) =>
      ctx.api.as(key ?? undefined).request(method, path, body, { 'X-Forwarded-For': address }),
  });

  /** The namespace's refusals, oldest first, as its admin `reader` reads them. */
  async function refusals(reader: ApiClient, action: string): Promise<AuditEntry[]> {
    const page = await reader.request<{ items: AuditEntry[] }>('GET', `/v1/audit?limit=100&action=${action}`);
    return [...page.body.items].reverse();
  }

  it('should record a 401 with the key id that parsed, the client address and the route', async () => {
    expect((await from('203.0.113.1').request('GET', '/v1/jobs?limit=1')).status).toBe(401);
    expect((await from('203.0.113.1', null).request('POST', '/v1/jobs', {})).status).toBe(401);

    const recorded = await waitFor(async () => {
      const found = await refusals(ctx.api, 'auth.refused');
      return found.length >= 2 ? found : undefined;
    });
    expect(recorded).toEqual([
      expect.objectContaining({
        actor: { keyId: unknownKeyId, name: '' },
        target: { type: 'route', id: 'GET /v1/jobs' },
        after: { status: 401, code: 'unauthorized', clientAddress: '203.0.113.1', unrecordedBefore: 0 },
      }),
      expect.objectContaining({
        actor: { keyId: 'anonymous', name: '' },
        target: { type: 'route', id: 'POST /v1/jobs' },
      }),
    ]);
  });

  it("should record a 403 in the key's namespace, with the key", async () => {
    const admin = ctx.api.as(
      (
        await ctx.api.request<{ key: string }>('POST', '/v1/keys', {
          name: 'tenant-admin',
          namespace: 'tenant',
          scopes: ['admin'],
        })
      ).body.key,
    );
    const reader = await admin.request<{ id: string; key: string }>('POST', '/v1/keys', {
      name: 'reader',
      scopes: ['jobs:read'],
    });

    const refused = await from('203.0.113.3', reader.body.key).request('POST', '/v1/jobs', {
      name: 'x',
      handler: 'noop',
    });

    expect(refused.status).toBe(403);
    const [recorded] = await waitFor(async () => {
      const found = await refusals(admin, 'auth.forbidden');
      return found.length > 0 ? found : undefined;
    });
    expect(recorded).toMatchObject({
      actor: { keyId: reader.body.id, name: 'reader' },
      target: { type: 'route', id: 'POST /v1/jobs' },
      after: { status: 403, code: 'insufficient_scope', clientAddress: '203.0.113.3' },
    });
    expect((await refusals(ctx.api, 'auth.forbidden')).length).toBe(0);
  });

  it('should write a bounded number of rows under a flood of bad keys, counting what it leaves out', async () => {
    const flooder = from('198.51.100.1');
    const flood = await Promise.all(Array.from({ length: 50 }, () => flooder.request('GET', '/v1/jobs')));
    expect(flood.every((answer) => answer.status === 401 || answer.status === 429)).toBe(true);
    await from('198.51.100.2').request('GET', '/v1/jobs');
    // A flood from many addresses is held to the namespace's budget.
    await Promise.all(Array.from({ length: 100 }, (_, n) => from(`192.0.2.${n + 1}`).request('GET', '/v1/jobs')));

    // Entries are written within milliseconds; give any over the budget time to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recorded = await refusals(ctx.api, 'auth.refused');
    const fromAddress = (address: string) =>
      recorded.filter((entry) => (entry.after as { clientAddress?: string } | null)?.clientAddress === address);
    // Two from the first test; ten per namespace and minute in all, three per address.
    expect(recorded).toHaveLength(10);
    expect(fromAddress('198.51.100.1')).toHaveLength(3);
    expect(fromAddress('198.51.100.2')).toEqual([
      expect.objectContaining({ after: expect.objectContaining({ unrecordedBefore: 47 }) }),
    ]);
  });
});

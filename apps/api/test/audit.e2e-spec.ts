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

    // Entries are written in batches, a few milliseconds after the change.
    const log = await waitFor(async () => {
      const written = await entries();
      return written.length >= 16 ? written : undefined;
    });
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
    // Secrets are never written to the log.
    expect(log[13]?.after).not.toHaveProperty('key');
    expect(log[15]?.after).not.toHaveProperty('secret');
  }, 30_000);

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

    const createdOnce = async () =>
      (await entries('&action=job.created')).filter((entry) => entry.after?.name === 'once');
    await waitFor(async () => ((await createdOnce()).length > 0 ? true : undefined));
    // An entry for the replay would be written in the same batch, milliseconds later: give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await createdOnce()).toHaveLength(1);
    expect((await entries()).some((entry) => entry.after?.name === 'refused')).toBe(false);
  });
});

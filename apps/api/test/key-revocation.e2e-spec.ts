import { beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type AppProcess, freePort, useStack, waitFor } from '@meridian/testing';

const LISTENING = 'listening for key revocations';

/** Waits until `app` hears revocations, and so caches the keys it reads. */
async function listening(app: AppProcess | undefined): Promise<void> {
  await waitFor(() => Promise.resolve(app?.output().includes(LISTENING) === true ? true : undefined), {
    what: `${app?.name ?? 'app'} to subscribe to key revocations`,
  });
}

describe('key revocation', () => {
  const ctx = useStack({ apps: ['api'] });
  let first: ApiClient;
  let second: ApiClient;

  beforeAll(async () => {
    const port = await freePort();
    const other = await ctx.stack.start('api', { API_PORT: String(port) });
    await listening(ctx.stack.apps.api);
    await listening(other);
    first = ctx.api;
    second = new ApiClient(`http://127.0.0.1:${port}`, ctx.stack.env.API_BOOTSTRAP_KEY);
  }, 60_000);

  /** A key both api processes have used, and so hold in their caches. */
  async function aKeyUsedOnBoth(): Promise<{ id: string; key: string }> {
    const created = await first.request<{ id: string; key: string }>('POST', '/v1/keys', {
      name: 'ci',
      scopes: ['jobs:read'],
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 3; i += 1) {
      expect((await first.as(created.body.key).request('GET', '/v1/jobs')).status).toBe(200);
      expect((await second.as(created.body.key).request('GET', '/v1/jobs')).status).toBe(200);
    }
    return created.body;
  }

  it.each([
    ['the other one', () => ({ via: first, elsewhere: second })],
    ['the first one', () => ({ via: second, elsewhere: first })],
  ])('should refuse a key revoked through one api process on %s within a second', async (_, processes) => {
    const { via, elsewhere } = processes();
    const { id, key } = await aKeyUsedOnBoth();

    expect((await via.request('DELETE', `/v1/keys/${id}`)).status).toBe(204);

    expect((await via.as(key).request('GET', '/v1/jobs')).status).toBe(401);
    await waitFor(
      async () => ((await elsewhere.as(key).request('GET', '/v1/jobs')).status === 401 ? true : undefined),
      { timeoutMs: 1000, intervalMs: 20, what: 'the other api process to refuse the revoked key' },
    );
    expect((await elsewhere.as(key).request('GET', '/v1/jobs')).status).toBe(401);
  });

  it('should keep serving the keys that were not revoked', async () => {
    const kept = await aKeyUsedOnBoth();
    const revoked = await aKeyUsedOnBoth();

    expect((await first.request('DELETE', `/v1/keys/${revoked.id}`)).status).toBe(204);

    await waitFor(
      async () => ((await second.as(revoked.key).request('GET', '/v1/jobs')).status === 401 ? true : undefined),
      { timeoutMs: 1000, intervalMs: 20, what: 'the revoked key to be refused' },
    );
    expect((await first.as(kept.key).request('GET', '/v1/jobs')).status).toBe(200);
    expect((await second.as(kept.key).request('GET', '/v1/jobs')).status).toBe(200);
  });

  it('should refuse a wrong secret for a key it holds', async () => {
    const { key } = await aKeyUsedOnBoth();
    const forged = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;

    expect((await first.as(forged).request('GET', '/v1/jobs')).status).toBe(401);
    expect((await second.as(forged).request('GET', '/v1/jobs')).status).toBe(401);
  });
});

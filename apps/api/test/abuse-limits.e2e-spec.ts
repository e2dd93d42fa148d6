import { describe, expect, it } from '@jest/globals';
import { ApiClient, freePort, useStack } from '@meridian/testing';

import { expectProblem } from './support.js';

const FORGED = `mk_${'0'.repeat(32)}_${'A'.repeat(43)}`;
const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

describe('limits before authentication', () => {
  const ctx = useStack({ apps: ['api'], env: { API_AUTH_FAILURE_LIMIT_PER_MINUTE: '3', API_TRUST_PROXY: 'loopback' } });
  /** The API as seen from one client address (the tests all connect from loopback, a trusted proxy). */
  const from = (address: string, key?: string) =>
    ({
      request: (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        ctx.api.as(key).request<unknown>(method, path, body, { 'x-forwarded-for': address, ...headers }),
    }) as const;

  it('should answer a bad key 401 without reading its body, however malformed or large', async () => {
    const client = from('198.51.100.1', FORGED);

    expectProblem(await client.request('POST', '/v1/jobs', '{"name": '), 401, 'unauthorized');
    expectProblem(
      await client.request('POST', '/v1/jobs', JSON.stringify({ pad: 'x'.repeat(600_000) })),
      401,
      'unauthorized',
    );
    // The same bodies with a good key are read, and refused for what they are.
    const good = from('198.51.100.2', ctx.stack.env.API_BOOTSTRAP_KEY);
    expectProblem(await good.request('POST', '/v1/jobs', '{"name": '), 400, 'malformed_json');
  });

  it('should refuse an address that keeps failing to authenticate, its good keys too, and let other addresses in', async () => {
    const attacker = from('198.51.100.3', FORGED);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await attacker.request('GET', '/v1/jobs')).status);
    }
    expect(statuses).toEqual([401, 401, 401]);

    const refused = await attacker.request('GET', '/v1/jobs');
    expectProblem(refused, 429, 'authentication_throttled');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Refused before its key is looked at: a good key from there is turned away as well.
    expectProblem(
      await from('198.51.100.3', ctx.stack.env.API_BOOTSTRAP_KEY).request('GET', '/v1/jobs'),
      429,
      'authentication_throttled',
    );
    expect((await from('198.51.100.4', ctx.stack.env.API_BOOTSTRAP_KEY).request('GET', '/v1/jobs')).status).toBe(200);
  });

  it('should count failed Bull Board logins with the API failures of the address', async () => {
    const url = `${ctx.stack.apiUrl}/admin/queues`;
    const login = (password: string) =>
      fetch(url, { headers: { authorization: basic(password), 'x-forwarded-for': '198.51.100.5' } });

    expect((await login('wrong-1')).status).toBe(401);
    expect((await from('198.51.100.5', FORGED).request('GET', '/v1/jobs')).status).toBe(401);
    const challenge = await login('wrong-2');
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toContain('Basic');
    expect((await login('wrong-3')).status).toBe(429);

    const refused = await login(ctx.stack.env.API_BOOTSTRAP_KEY ?? '');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(((await refused.json()) as { code: string }).code).toBe('authentication_throttled');
  });

  it('should hold the failures of an address across api processes', async () => {
    const port = await freePort();
    await ctx.stack.start('api', { API_PORT: String(port) });
    const second = new ApiClient(`http://127.0.0.1:${port}`, FORGED);
    for (let i = 0; i < 4; i += 1) {
      await from('198.51.100.6', FORGED).request('GET', '/v1/jobs');
    }

    const refused = await second.request('GET', '/v1/jobs', undefined, { 'x-forwarded-for': '198.51.100.6' });

    expectProblem(refused, 429, 'authentication_throttled');
  });

  it('should ignore X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const port = await freePort();
    await ctx.stack.start('api', { API_PORT: String(port), API_TRUST_PROXY: '' });
    const direct = new ApiClient(`http://127.0.0.1:${port}`, FORGED);
    const statuses = [];

    // Each request claims another address; all come from loopback, and are counted as such.
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await direct.request('GET', '/v1/jobs', undefined, { 'x-forwarded-for': `192.0.2.${i}` })).status);
    }

    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe('limit per client address', () => {
  const ctx = useStack({ apps: ['api'], env: { API_ADDRESS_RATE_LIMIT_PER_MINUTE: '5' } });

  it('should cap every request of an address, with or without a key, with 429 address_rate_limited', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await ctx.api.request('GET', '/v1/jobs')).status);
      statuses.push((await ctx.api.as(undefined).request('GET', '/healthz')).status);
    }

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await ctx.api.request('GET', '/v1/jobs');
    expectProblem(refused, 429, 'address_rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('limit per namespace', () => {
  const ctx = useStack({
    apps: ['api'],
    env: { API_NAMESPACE_RATE_LIMIT_PER_MINUTE: '6', API_NAMESPACE_RATE_LIMIT_BURST: '0' },
  });

  it('should hold all the keys of a namespace together to its limit, and no other namespace', async () => {
    const keyOf = async (namespace: string, name: string) =>
      ctx.api.as(
        (await ctx.api.request<{ key: string }>('POST', '/v1/keys', { name, namespace, scopes: ['jobs:read'] })).body
          .key,
      );
    const [one, two, three] = [
      await keyOf('tenant', 'one'),
      await keyOf('tenant', 'two'),
      await keyOf('tenant', 'three'),
    ];
    const other = await keyOf('other', 'four');

    const statuses = [];
    for (const client of [one, two, three, one, two, three]) {
      statuses.push((await client.request('GET', '/v1/jobs')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);

    expectProblem(await two.request('GET', '/v1/jobs'), 429, 'namespace_rate_limited');
    expect((await other.request('GET', '/v1/jobs')).status).toBe(200);
  });
});

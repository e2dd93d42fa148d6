import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type HttpTarget, startHttpTarget, useStack, waitFor } from '@meridian/testing';

/** Every form in which a secret could reach a log: as sent, and base64 as in a Basic header. */
function formsOf(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(`ops:${secret}`).toString('base64')];
}

describe('secrets in the logs', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'], env: { LOG_LEVEL: 'trace' } });
  let target: HttpTarget;
  const tenantSecret = `tenant-${randomBytes(16).toString('hex')}`;
  const cookieSecret = `cookie-${randomBytes(16).toString('hex')}`;
  const customSecret = `custom-${randomBytes(16).toString('hex')}`;
  const unknownKey = `mk_01930000-0000-7000-8000-000000000000_${randomBytes(32).toString('base64url')}`;

  beforeAll(async () => {
    // A receiver that echoes what it was sent, as debugging endpoints do, and fails.
    target = await startHttpTarget((_path, _count, request) => ({ status: 500, body: { echo: request.headers } }));
  });
  afterAll(async () => {
    await target.close();
  });

  it('should write no byte of an API key or of a payload header value, at log level trace', async () => {
    const bootstrapKey = ctx.stack.env.API_BOOTSTRAP_KEY as string;
    const created = await ctx.api.request<{ key: string }>('POST', '/v1/keys', { name: 'ops', scopes: ['admin'] });
    expect(created.status).toBe(201);
    const key = created.body.key;

    // The keys in every header that carries one: Bearer, X-API-Key, Basic to Bull Board; and one that is no key.
    expect((await ctx.api.as(key).request('GET', '/v1/jobs')).status).toBe(200);
    expect((await ctx.api.as(undefined).request('GET', '/v1/jobs', undefined, { 'x-api-key': key })).status).toBe(200);
    expect((await ctx.api.as(unknownKey).request('GET', '/v1/jobs')).status).toBe(401);
    for (const password of [key, bootstrapKey, unknownKey]) {
      const basic = `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;
      const board = await fetch(`${ctx.stack.apiUrl}/admin/queues`, { headers: { authorization: basic } });
      await board.arrayBuffer();
      expect([200, 401, 403]).toContain(board.status);
    }

    // An http job whose headers hold the tenant's credentials, which runs, fails and dies.
    const job = await ctx.api.as(key).createJob({
      name: 'secret-headers',
      handler: 'http',
      payload: {
        url: `${target.url}/fails`,
        headers: {
          authorization: `Bearer ${tenantSecret}`,
          cookie: `session=${cookieSecret}`,
          'x-token': customSecret,
        },
        body: { invoice: 1 },
      },
      retry: { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 10 } },
    });
    const dead = await ctx.api.as(key).waitForExecution(job, 'DEAD');
    expect(dead.attempts).toHaveLength(2);
    expect(target.on('/fails')[0]?.headers.authorization).toBe(`Bearer ${tenantSecret}`);

    // The same headers on a recurring job, created and deleted, and on a refused target.
    const recurring = await ctx.api.as(key).createJob({
      name: 'secret-schedule',
      handler: 'http',
      payload: { url: `${target.url}/later`, headers: { authorization: `Bearer ${tenantSecret}` } },
      schedule: { cron: '0 3 * * *', timezone: 'Europe/Berlin' },
    });
    expect((await ctx.api.as(key).request('DELETE', `/v1/jobs/${recurring.id}`)).status).toBe(204);
    const refused = await ctx.api.as(key).createJob({
      name: 'secret-refused',
      handler: 'http',
      payload: { url: 'http://10.255.255.1/internal', headers: { 'x-token': customSecret } },
    });
    await ctx.api.as(key).waitForExecution(refused, 'DEAD');

    const logs = () =>
      (['api', 'scheduler', 'worker'] as const).map((name) => ({ name, output: ctx.stack.apps[name]?.output() ?? '' }));
    // The logs hold the lines that would carry a secret, so their absence below means something.
    await waitFor(
      () => {
        const worker = logs().find((log) => log.name === 'worker')?.output ?? '';
        const logged = ['attempt started', 'execution is dead', 'http target refused'].every((line) =>
          worker.includes(line),
        );
        return Promise.resolve(logged ? true : undefined);
      },
      { what: 'the worker to log the failures', timeoutMs: 10_000 },
    );
    expect(logs().find((log) => log.name === 'api')?.output).toContain('request completed');

    for (const { name, output } of logs()) {
      for (const secret of [key, bootstrapKey, unknownKey, tenantSecret, cookieSecret, customSecret]) {
        for (const form of formsOf(secret)) {
          expect({ log: name, holds: output.includes(form) }).toEqual({ log: name, holds: false });
        }
      }
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@meridian/handler-sdk';
import { type HttpTarget, startHttpTarget, useStack } from '@meridian/testing';

describe('signed webhooks', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startHttpTarget(() => ({ status: 200 }));
  });
  afterAll(async () => {
    await target.close();
  });

  async function secretOf(key?: string): Promise<string> {
    const api = key === undefined ? ctx.api : ctx.api.as(key);
    return (await api.request<{ secret: string }>('GET', '/v1/namespace/webhook-secret')).body.secret;
  }

  async function deliveredTo(path: string, api = ctx.api) {
    const job = await api.createJob({
      name: 'signed',
      handler: 'http',
      payload: { url: `${target.url}${path}`, body: { invoice: 42 } },
    });
    const run = await api.waitForExecution(job, 'SUCCEEDED');
    expect(run.status).toBe('SUCCEEDED');
    const [request] = target.on(path);
    return {
      body: request?.body ?? '',
      signature: request?.headers['meridian-signature'] as string | undefined,
      // The request as its receiver sees it, for v2.
      request: {
        method: request?.method ?? '',
        url: `${target.url}${path}`,
        executionId: request?.headers['x-meridian-execution-id'],
        attempt: request?.headers['x-meridian-attempt'],
      },
    };
  }

  it("should sign each request with the namespace's secret, so the receiver can verify it", async () => {
    const { body, signature } = await deliveredTo('/signed');

    expect(body).toBe('{"invoice":42}');
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v2=[0-9a-f]{64}$/);
    expect(verifyWebhook(await secretOf(), signature, body)).toMatchObject({ valid: true });
    expect(verifyWebhook(await secretOf(), signature, '{"invoice":43}')).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('should sign the request itself (v2), so a signed request replayed to another URL is refused', async () => {
    const { body, signature, request } = await deliveredTo('/invoices');
    const secret = await secretOf();

    expect(request).toMatchObject({ method: 'POST', executionId: expect.any(String), attempt: '1' });
    expect(verifyWebhook(secret, signature, body, { request })).toMatchObject({ valid: true });
    expect(verifyWebhook(secret, signature, body, { request: { ...request, url: `${target.url}/refunds` } })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook(secret, signature, body, { request: { ...request, method: 'PUT' } })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('should give each namespace a secret of its own, and sign with a rotated one', async () => {
    const other = await ctx.api.request<{ key: string }>('POST', '/v1/keys', {
      name: 'other-admin',
      namespace: 'other',
      scopes: ['admin'],
    });
    const otherSecret = await secretOf(other.body.key);
    expect(otherSecret).not.toBe(await secretOf());
    const { body, signature } = await deliveredTo('/other', ctx.api.as(other.body.key));
    expect(verifyWebhook(otherSecret, signature, body).valid).toBe(true);
    expect(verifyWebhook(await secretOf(), signature, body).valid).toBe(false);

    const rotated = await ctx.api
      .as(other.body.key)
      .request<{ secret: string }>('POST', '/v1/namespace/webhook-secret/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(otherSecret);
    expect(await secretOf(other.body.key)).toBe(rotated.body.secret);
  });
});

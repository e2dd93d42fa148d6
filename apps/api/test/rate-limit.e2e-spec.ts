import { describe, expect, it } from '@jest/globals';
import { ApiClient, freePort, useStack } from '@meridian/testing';

describe('rate limit', () => {
  const ctx = useStack({ apps: ['api'], env: { API_RATE_LIMIT_PER_MINUTE: '10', API_RATE_LIMIT_BURST: '4' } });

  it('should hold one limit per key across two api processes, its burst included, answering 429 with Retry-After', async () => {
    const port = await freePort();
    await ctx.stack.start('api', { API_PORT: String(port) });
    const first = ctx.api;
    const second = new ApiClient(`http://127.0.0.1:${port}`, ctx.stack.env.API_BOOTSTRAP_KEY);
    // A second key, made with the first key's first request of the minute.
    const other = await first.request<{ key: string }>('POST', '/v1/keys', { name: 'other', scopes: ['jobs:read'] });
    expect(other.status).toBe(201);

    const answers = [];
    for (let i = 0; i < 8; i += 1) {
      answers.push(await first.request('GET', '/v1/jobs'), await second.request('GET', '/v1/jobs'));
    }

    // 10 a minute and 4 more of the burst: the key's request that made the other key, then 13 of these.
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.slice(0, 13)).toEqual(Array.from({ length: 13 }, () => 200));
    expect(statuses.slice(13)).toEqual([429, 429, 429]);
    const limited = answers[13];
    expect(limited?.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(limited?.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(limited?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Each key has a limit of its own.
    expect((await second.as(other.body.key).request('GET', '/v1/jobs')).status).toBe(200);
  }, 60_000);
});

import { describe, expect, it } from '@jest/globals';
import { useStack } from '@meridian/testing';

import type { Problem } from './support.js';

interface BadRequest {
  case: string;
  method?: string;
  path?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** A field the problem must name, for validation errors; `x.*` accepts any field under `x`. */
  field?: string;
}

const valid = { name: 'ok', handler: 'noop' };
const hugeString = 'x'.repeat(300 * 1024);
/** A payload far below the size cap, nested deeper than any real payload: 2000 arrays. */
const deeplyNested = `${'['.repeat(2000)}${']'.repeat(2000)}`;
const twoMinutesAgo = () => new Date(Date.now() - 120_000).toISOString();

const BAD_REQUESTS: BadRequest[] = [
  { case: 'malformed JSON', raw: '{"name": "x",', status: 400, code: 'malformed_json' },
  {
    case: 'not JSON',
    raw: 'name=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    case: 'JSON sent as text/plain',
    raw: JSON.stringify(valid),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'unsupported_media_type',
  },
  { case: 'body is null', body: null, status: 400, code: 'validation_failed', field: '(root)' },
  { case: 'empty body', raw: '', status: 400, code: 'validation_failed', field: '(root)' },
  { case: 'body is an array', body: [valid], status: 400, code: 'validation_failed', field: '(root)' },
  { case: 'body is a string', body: '"job"', status: 400, code: 'validation_failed', field: '(root)' },
  { case: 'missing name', body: { handler: 'noop' }, status: 400, code: 'validation_failed', field: 'name' },
  { case: 'empty name', body: { ...valid, name: '  ' }, status: 400, code: 'validation_failed', field: 'name' },
  {
    case: 'name too long',
    body: { ...valid, name: 'n'.repeat(201) },
    status: 400,
    code: 'validation_failed',
    field: 'name',
  },
  {
    case: 'name with a NUL character',
    body: { ...valid, name: 'a\u0000b' },
    status: 400,
    code: 'validation_failed',
    field: 'name',
  },
  {
    case: 'name with a lone UTF-16 surrogate',
    body: { ...valid, name: 'a\ud800b' },
    status: 400,
    code: 'validation_failed',
    field: 'name',
  },
  { case: 'missing handler', body: { name: 'x' }, status: 400, code: 'validation_failed', field: 'handler' },
  { case: 'unknown handler', body: { ...valid, handler: 'does-not-exist' }, status: 400, code: 'unknown_handler' },
  {
    case: 'unknown field',
    body: { ...valid, cron: '* * * * *' },
    status: 400,
    code: 'validation_failed',
    field: 'cron',
  },
  {
    case: 'unknown nested field',
    body: { ...valid, retry: { attempts: 3 } },
    status: 400,
    code: 'validation_failed',
    field: 'retry.attempts',
  },
  {
    case: 'maxAttempts as string',
    body: { ...valid, retry: { maxAttempts: '3' } },
    status: 400,
    code: 'validation_failed',
    field: 'retry.maxAttempts',
  },
  {
    case: 'maxAttempts zero',
    body: { ...valid, retry: { maxAttempts: 0 } },
    status: 400,
    code: 'validation_failed',
    field: 'retry.maxAttempts',
  },
  {
    case: 'fractional delay',
    body: { ...valid, delayMs: 1.5 },
    status: 400,
    code: 'validation_failed',
    field: 'delayMs',
  },
  { case: 'negative delay', body: { ...valid, delayMs: -1 }, status: 400, code: 'validation_failed', field: 'delayMs' },
  {
    case: 'priority out of range',
    body: { ...valid, priority: 5000 },
    status: 400,
    code: 'validation_failed',
    field: 'priority',
  },
  {
    case: 'timeout zero',
    body: { ...valid, timeoutMs: 0 },
    status: 400,
    code: 'validation_failed',
    field: 'timeoutMs',
  },
  {
    case: 'unknown backoff type',
    body: { ...valid, retry: { backoff: { type: 'linear' } } },
    status: 400,
    code: 'validation_failed',
    field: 'retry.backoff.type',
  },
  {
    case: 'jitter above 1',
    body: { ...valid, retry: { backoff: { jitter: 2 } } },
    status: 400,
    code: 'validation_failed',
    field: 'retry.backoff.jitter',
  },
  {
    case: 'max delay below delay',
    body: { ...valid, retry: { backoff: { delayMs: 5000, maxDelayMs: 10 } } },
    status: 400,
    code: 'validation_failed',
    field: 'retry.backoff.maxDelayMs',
  },
  {
    case: 'runAt far in the past',
    body: { ...valid, runAt: '2020-01-01T00:00:00Z' },
    status: 400,
    code: 'validation_failed',
    field: 'runAt',
  },
  {
    case: 'runAt beyond the tolerance in the past',
    get body() {
      return { ...valid, runAt: twoMinutesAgo() };
    },
    status: 400,
    code: 'validation_failed',
    field: 'runAt',
  },
  {
    case: 'runAt on 30 February',
    body: { ...valid, runAt: '2099-02-30T10:00:00Z' },
    status: 400,
    code: 'validation_failed',
    field: 'runAt',
  },
  {
    case: 'runAt not a date',
    body: { ...valid, runAt: 'tomorrow' },
    status: 400,
    code: 'validation_failed',
    field: 'runAt',
  },
  {
    case: 'runAt without offset',
    body: { ...valid, runAt: '2099-01-01 10:00' },
    status: 400,
    code: 'validation_failed',
    field: 'runAt',
  },
  {
    case: 'runAt and delayMs',
    body: { ...valid, runAt: '2099-01-01T00:00:00Z', delayMs: 10 },
    status: 400,
    code: 'validation_failed',
    field: 'delayMs',
  },
  {
    case: 'http without url',
    body: { name: 'x', handler: 'http', payload: {} },
    status: 400,
    code: 'validation_failed',
    field: 'payload.url',
  },
  {
    case: 'http with ftp url',
    body: { name: 'x', handler: 'http', payload: { url: 'ftp://example.com/file' } },
    status: 400,
    code: 'validation_failed',
    field: 'payload.url',
  },
  {
    case: 'http with unknown method',
    body: { name: 'x', handler: 'http', payload: { url: 'http://example.com', method: 'BREW' } },
    status: 400,
    code: 'validation_failed',
    field: 'payload.method',
  },
  {
    case: 'http with an invalid header name',
    body: { name: 'x', handler: 'http', payload: { url: 'http://example.com', headers: { 'bad name': 'v' } } },
    status: 400,
    code: 'validation_failed',
    field: 'payload.headers.*',
  },
  {
    case: 'http with a header value that splits lines',
    body: {
      name: 'x',
      handler: 'http',
      payload: { url: 'http://example.com', headers: { 'x-a': 'v\r\nx-injected: 1' } },
    },
    status: 400,
    code: 'validation_failed',
    field: 'payload.headers.*',
  },
  {
    case: 'http with unknown payload field',
    body: { name: 'x', handler: 'http', payload: { url: 'http://example.com', timeout: 5 } },
    status: 400,
    code: 'validation_failed',
    field: 'payload.timeout',
  },
  {
    case: 'sleep with negative ms',
    body: { name: 'x', handler: 'sleep', payload: { ms: -5 } },
    status: 400,
    code: 'validation_failed',
    field: 'payload.ms',
  },
  {
    case: 'sleep without ms',
    body: { name: 'x', handler: 'sleep', payload: {} },
    status: 400,
    code: 'validation_failed',
    field: 'payload.ms',
  },
  {
    case: 'payload with a lone UTF-16 surrogate',
    body: { ...valid, payload: { text: 'a\udc00b' } },
    status: 400,
    code: 'validation_failed',
    field: 'payload',
  },
  {
    // Refused before any route's validation: a body this deep is refused whatever the route.
    case: 'a body nested 2000 levels deep',
    raw: `{"name": "deep", "handler": "noop", "payload": ${deeplyNested}}`,
    status: 400,
    code: 'validation_failed',
    field: '(root)',
  },
  {
    case: 'payload nested 65 levels deep',
    raw: `{"name": "deep", "handler": "noop", "payload": ${'['.repeat(65)}${']'.repeat(65)}}`,
    status: 400,
    code: 'validation_failed',
    field: 'payload',
  },
  {
    case: 'payload with a NUL character',
    body: { ...valid, payload: { text: 'a\u0000b' } },
    status: 400,
    code: 'validation_failed',
    field: 'payload',
  },
  { case: 'unknown queue', body: { ...valid, queue: 'reports' }, status: 400, code: 'unknown_queue' },
  {
    case: 'invalid queue name',
    body: { ...valid, queue: 'Has Spaces' },
    status: 400,
    code: 'validation_failed',
    field: 'queue',
  },
  {
    case: 'payload over 256 KiB',
    body: { ...valid, payload: { blob: hugeString.slice(0, 256 * 1024) } },
    status: 413,
    code: 'payload_too_large',
  },
  {
    case: 'body over the body limit',
    body: { ...valid, payload: { blob: hugeString.repeat(2) } },
    status: 413,
    code: 'payload_too_large',
  },
  {
    case: 'invalid Idempotency-Key',
    body: valid,
    headers: { 'idempotency-key': 'has spaces in it' },
    status: 400,
    code: 'validation_failed',
    field: 'header.Idempotency-Key',
  },
  {
    case: 'Idempotency-Key over 255 characters',
    body: valid,
    headers: { 'idempotency-key': 'k'.repeat(256) },
    status: 400,
    code: 'validation_failed',
    field: 'header.Idempotency-Key',
  },
  {
    case: 'list limit 0',
    method: 'GET',
    path: '/v1/jobs?limit=0',
    status: 400,
    code: 'validation_failed',
    field: 'query.limit',
  },
  {
    case: 'list limit 101',
    method: 'GET',
    path: '/v1/jobs?limit=101',
    status: 400,
    code: 'validation_failed',
    field: 'query.limit',
  },
  {
    case: 'list limit not a number',
    method: 'GET',
    path: '/v1/jobs?limit=ten',
    status: 400,
    code: 'validation_failed',
    field: 'query.limit',
  },
  {
    case: 'list unknown parameter',
    method: 'GET',
    path: '/v1/jobs?sort=name',
    status: 400,
    code: 'validation_failed',
    field: 'query.sort',
  },
  {
    case: 'list unknown status',
    method: 'GET',
    path: '/v1/jobs?status=DONE',
    status: 400,
    code: 'validation_failed',
    field: 'query.status',
  },
  {
    case: 'list repeated parameter',
    method: 'GET',
    path: '/v1/jobs?limit=1&limit=2',
    status: 400,
    code: 'validation_failed',
    field: 'query.limit',
  },
  {
    case: 'list forged cursor',
    method: 'GET',
    path: '/v1/jobs?cursor=bm90LWEtY3Vyc29y',
    status: 400,
    code: 'validation_failed',
    field: 'cursor',
  },
  {
    case: 'executions limit 0',
    method: 'GET',
    path: '/v1/jobs/01930000-0000-7000-8000-000000000000/executions?limit=0',
    status: 400,
    code: 'validation_failed',
    field: 'query.limit',
  },
  { case: 'unknown route', method: 'GET', path: '/v2/jobs', status: 404, code: 'route_not_found' },
  {
    case: 'unknown method on a route',
    method: 'PUT',
    path: '/v1/jobs',
    body: valid,
    status: 404,
    code: 'route_not_found',
  },
];

describe('bad input', () => {
  const ctx = useStack({ apps: ['api'] });

  async function storedJobIds(): Promise<string[]> {
    const page = await ctx.api.request<{ items: { id: string }[] }>('GET', '/v1/jobs?limit=100');
    return page.body.items.map((job) => job.id);
  }

  it.each(BAD_REQUESTS)('should answer $case with $status $code and write nothing', async (bad) => {
    const method = bad.method ?? 'POST';
    const path = bad.path ?? '/v1/jobs';
    const before = await storedJobIds();

    const response = await fetch(`${ctx.stack.apiUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ctx.stack.env.API_BOOTSTRAP_KEY}`,
        ...bad.headers,
      },
      body: method === 'GET' ? undefined : (bad.raw ?? JSON.stringify(bad.body)),
    });
    const problem = (await response.json()) as Problem;
    const written = (await storedJobIds()).filter((id) => !before.includes(id));
    // Whatever a failing case wrote is removed, so that the next case starts from the same state.
    await Promise.all(written.map((id) => ctx.api.request('DELETE', `/v1/jobs/${id}`)));

    expect({
      status: response.status,
      code: problem.code,
      contentType: response.headers.get('content-type'),
      written,
    }).toEqual({
      status: bad.status,
      code: bad.code,
      contentType: expect.stringContaining('application/problem+json'),
      written: [],
    });
    expect(problem).toMatchObject({
      status: bad.status,
      type: expect.stringMatching(/^\/problems\//),
      title: expect.any(String),
      detail: expect.any(String),
    });
    if (bad.field?.endsWith('.*') === true) {
      const prefix = bad.field.slice(0, -1).replaceAll('.', '\\.');
      expect(problem.errors?.map((error) => error.path)).toContainEqual(expect.stringMatching(`^${prefix}`));
    } else if (bad.field !== undefined) {
      expect(problem.errors?.map((error) => error.path)).toContain(bad.field);
    }
    if (bad.code === 'validation_failed') {
      expect(problem.errors?.length).toBeGreaterThan(0);
    }
  });
});

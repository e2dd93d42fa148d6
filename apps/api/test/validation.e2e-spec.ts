import { describe, expect, it } from '@jest/globals';
import { useStack } from '@meridian/testing';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
}

interface BadRequest {
  case: string;
  method?: string;
  path?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** A field the problem must name, for validation errors. */
  field?: string;
}

const valid = { name: 'ok', handler: 'noop' };
const hugeString = 'x'.repeat(300 * 1024);

const BAD_REQUESTS: BadRequest[] = [
  { case: 'malformed JSON', raw: '{"name": "x",', status: 400, code: 'malformed_json' },
  {
    case: 'not JSON',
    raw: 'name=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported_media_type',
  },
  { case: 'body is an array', body: [valid], status: 400, code: 'validation_failed', field: '(root)' },
  { case: 'body is a string', body: '"job"', status: 400, code: 'validation_failed', field: '(root)' },
  { case: 'missing name', body: { handler: 'noop' }, status: 400, code: 'validation_failed', field: 'name' },
  { case: 'empty name', body: { ...valid, name: '  ' }, status: 400, code: 'validation_failed', field: 'name' },
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

  it.each(BAD_REQUESTS)('should answer $case with $status $code and write nothing', async (bad) => {
    const method = bad.method ?? 'POST';
    const path = bad.path ?? '/v1/jobs';
    const response = await fetch(`${ctx.stack.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...bad.headers },
      body: method === 'GET' ? undefined : (bad.raw ?? JSON.stringify(bad.body)),
    });
    const problem = (await response.json()) as Problem;

    expect({ status: response.status, code: problem.code }).toEqual({ status: bad.status, code: bad.code });
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(problem).toMatchObject({
      status: bad.status,
      type: expect.stringMatching(/^\/problems\//),
      title: expect.any(String),
    });
    if (bad.field !== undefined) {
      expect(problem.errors?.map((error) => error.path)).toContain(bad.field);
    }
    const stored = await ctx.api.request<{ items: unknown[] }>('GET', '/v1/jobs?limit=100');
    expect(stored.body.items).toEqual([]);
  });
});

import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { HandlerError } from '@meridian/domain';
import type { HandlerContext } from '@meridian/handler-sdk';

import { aHandlerContext, EXECUTION_ID, JOB_ID } from './handler-context.fixture.js';
import { createHttpHandler, httpPayloadSchema, isRetryableStatus } from './http.handler.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP server on loopback. Routes by path; records every request, and lets a test wait until a
 * request has arrived or until the connection that carried it was closed by the client.
 */
class TestServer {
  readonly requests: Received[] = [];
  private readonly waiters: Array<{ event: 'arrived' | 'closed'; path: string; resolve: () => void }> = [];
  private readonly closedPaths: string[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({
          method: request.method ?? 'GET',
          path,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.on('close', () => {
          if (!response.writableFinished) {
            this.closedPaths.push(path);
            this.notify('closed', path);
          }
        });
        this.notify('arrived', path);
        this.route(path, request, response);
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  on(path: string): Received[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Resolves once a request for `path` has been received. */
  arrived(path: string): Promise<void> {
    return this.on(path).length > 0 ? Promise.resolve() : this.wait('arrived', path);
  }

  /** Resolves once the client has dropped an unfinished response on `path`. */
  dropped(path: string): Promise<void> {
    return this.closedPaths.includes(path) ? Promise.resolve() : this.wait('closed', path);
  }

  private wait(event: 'arrived' | 'closed', path: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ event, path, resolve }));
  }

  private notify(event: 'arrived' | 'closed', path: string): void {
    for (const waiter of this.waiters.filter((w) => w.event === event && w.path === path)) {
      waiter.resolve();
    }
  }

  private route(path: string, _request: IncomingMessage, response: ServerResponse): void {
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const pathname = new URL(path, 'http://target').pathname;
    const status = /^\/status\/(\d{3})$/.exec(pathname);
    if (status !== null) {
      return json(Number(status[1]), { path: pathname });
    }
    switch (pathname) {
      case '/big':
        return json(200, { blob: 'x'.repeat(500) });
      case '/exact':
        // {"blob":"…"} of exactly 64 bytes: the limit, not over it.
        return json(200, { blob: 'x'.repeat(64 - '{"blob":""}'.length) });
      case '/text':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return void response.end('plain words');
      case '/empty':
        response.writeHead(204);
        return void response.end();
      case '/hang':
        return; // never answers
      case '/drip':
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.write('{"partial":'); // headers and a first chunk, then nothing
      case '/redirect':
        response.writeHead(302, { location: '/internal' });
        return void response.end();
      case '/go':
        response.writeHead(302, { location: new URL(path, 'http://target').searchParams.get('to') ?? '/' });
        return void response.end();
      default:
        return json(200, { path });
    }
  }
}

function context(overrides: Partial<HandlerContext> = {}): HandlerContext {
  return aHandlerContext({ attempt: 2, maxAttempts: 3, ...overrides });
}

async function rejectionOf(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error('expected the handler to fail');
}

async function handlerErrorOf(run: Promise<unknown>): Promise<HandlerError> {
  const error = await rejectionOf(run);
  if (error instanceof HandlerError) {
    return error;
  }
  throw error;
}

describe('createHttpHandler', () => {
  const server = new TestServer();
  const sut = createHttpHandler({ maxResponseBytes: 64 });
  const payload = (path: string, extra: Record<string, unknown> = {}) =>
    httpPayloadSchema.parse({ url: `${server.url}${path}`, ...extra });

  beforeAll(async () => {
    await server.start();
  });

  beforeEach(() => {
    server.requests.length = 0;
  });

  afterAll(async () => {
    await server.stop();
  });

  it('should be registered under the name "http"', () => {
    expect(sut.name).toBe('http');
  });

  describe('on success', () => {
    it.each([200, 201, 202, 299])('should return the status %i and the parsed JSON body', async (status) => {
      await expect(sut.run(payload(`/status/${status}`), context())).resolves.toEqual({
        status,
        body: { path: `/status/${status}` },
        truncated: false,
      });
    });

    it('should return a body that is not JSON as text', async () => {
      await expect(sut.run(payload('/text'), context())).resolves.toEqual({
        status: 200,
        body: 'plain words',
        truncated: false,
      });
    });

    it('should return an empty body as null', async () => {
      await expect(sut.run(payload('/empty'), context())).resolves.toEqual({
        status: 204,
        body: null,
        truncated: false,
      });
    });
  });

  describe('on failure', () => {
    it.each([500, 502, 503, 504, 408, 429])('should fail retryably on %i', async (status) => {
      const error = await handlerErrorOf(sut.run(payload(`/status/${status}`), context()));

      expect(error.retryable).toBe(true);
      expect(error.code).toBe('handler_failed');
      expect(error.details).toEqual({ status, body: { path: `/status/${status}` }, truncated: false });
    });

    it.each([400, 401, 403, 404, 409, 410, 422])('should fail for good on %i', async (status) => {
      const error = await handlerErrorOf(sut.run(payload(`/status/${status}`), context()));

      expect(error.retryable).toBe(false);
      expect(error.details).toMatchObject({ status });
    });

    it('should say which method and address failed, without the query string', async () => {
      const error = await handlerErrorOf(sut.run(payload('/status/503?token=secret'), context()));
      expect(error.message).toBe(`POST ${server.url}/status/503 answered 503`);
      expect(error.message).not.toContain('secret');
    });

    it('should fail retryably when nothing listens at the address', async () => {
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      const error = await handlerErrorOf(
        sut.run(httpPayloadSchema.parse({ url: `http://127.0.0.1:${port}/gone` }), context()),
      );

      expect(error.retryable).toBe(true);
      expect(error.message).toContain(`request to http://127.0.0.1:${port} failed`);
    });
  });

  describe('the request', () => {
    it('should carry the idempotency key and the Meridian headers', async () => {
      await sut.run(payload('/ok'), context());

      expect(server.on('/ok')).toHaveLength(1);
      expect(server.on('/ok')[0]?.headers).toMatchObject({
        'idempotency-key': `idem-${EXECUTION_ID}`,
        'x-meridian-execution-id': EXECUTION_ID,
        'x-meridian-job-id': JOB_ID,
        'x-meridian-attempt': '2',
        'x-meridian-scheduled-for': '2026-03-01T09:00:00.000Z',
        'user-agent': 'meridian-http-handler/1',
      });
    });

    it('should not let the payload override the Meridian headers', async () => {
      await sut.run(
        payload('/ok', { headers: { 'Idempotency-Key': 'forged', 'X-Meridian-Execution-Id': 'forged' } }),
        context(),
      );

      expect(server.on('/ok')[0]?.headers).toMatchObject({
        'idempotency-key': `idem-${EXECUTION_ID}`,
        'x-meridian-execution-id': EXECUTION_ID,
      });
    });

    it('should send a JSON body with the payload headers and method', async () => {
      await sut.run(payload('/ok', { method: 'PATCH', body: { a: 1 }, headers: { 'x-extra': 'yes' } }), context());

      const request = server.on('/ok')[0];
      expect(request).toMatchObject({ method: 'PATCH', body: '{"a":1}' });
      expect(request?.headers).toMatchObject({ 'content-type': 'application/json', 'x-extra': 'yes' });
    });

    it('should send a string body as is, as text/plain', async () => {
      await sut.run(payload('/ok', { body: 'raw text' }), context());

      expect(server.on('/ok')[0]).toMatchObject({ method: 'POST', body: 'raw text' });
      expect(server.on('/ok')[0]?.headers['content-type']).toBe('text/plain');
    });

    it('should keep a content type and a user agent the payload gives', async () => {
      await sut.run(
        payload('/ok', { body: '<a/>', headers: { 'content-type': 'application/xml', 'user-agent': 'mine/2' } }),
        context(),
      );

      expect(server.on('/ok')[0]?.headers).toMatchObject({ 'content-type': 'application/xml', 'user-agent': 'mine/2' });
    });

    it('should send no body with GET', async () => {
      await sut.run(payload('/ok', { method: 'GET', body: { ignored: true } }), context());

      expect(server.on('/ok')[0]).toMatchObject({ method: 'GET', body: '' });
    });

    it('should add the headers of the signer, signing the request sent: namespace, method, URL, execution, attempt, body', async () => {
      const signed: unknown[] = [];
      const signing = createHttpHandler({
        maxResponseBytes: 64,
        signer: {
          sign: ({ timestamp, ...request }) => {
            signed.push(request);
            expect(timestamp).toBeGreaterThan(0);
            return Promise.resolve({ 'x-meridian-signature': `sig:${request.namespace}:${request.body}` });
          },
        },
      });

      await signing.run(payload('/ok?x=1', { method: 'PUT', body: { a: 1 } }), context({ namespace: 'acme' }));

      expect(signed).toEqual([
        {
          namespace: 'acme',
          method: 'PUT',
          url: `${server.url}/ok?x=1`,
          executionId: EXECUTION_ID,
          attempt: 2,
          body: '{"a":1}',
        },
      ]);
      expect(server.on('/ok?x=1')[0]?.headers['x-meridian-signature']).toBe('sig:acme:{"a":1}');
    });
  });

  describe('a redirect', () => {
    const credentials = {
      Authorization: 'Bearer tenant-secret',
      Cookie: 'session=tenant-secret',
      'Proxy-Authorization': 'Basic dGVuYW50OnNlY3JldA==',
      'X-Other': 'kept',
    };
    const signedUrls: string[] = [];
    const signing = createHttpHandler({
      maxResponseBytes: 64,
      signer: {
        sign: ({ url }) => {
          signedUrls.push(url);
          return Promise.resolve({ 'meridian-signature': `signed-for:${url}` });
        },
      },
    });

    beforeEach(() => {
      signedUrls.length = 0;
    });

    it("should drop the tenant's credentials and the signature when it leaves the origin, as fetch does", async () => {
      // localhost and 127.0.0.1 are two origins on the same server.
      const away = `${server.url.replace('127.0.0.1', 'localhost')}/landed`;

      await signing.run(
        payload(`/go?to=${encodeURIComponent(away)}`, { method: 'GET', headers: credentials }),
        context(),
      );

      const [landed] = server.on('/landed');
      expect(landed?.headers).toMatchObject({ 'x-other': 'kept' });
      for (const name of ['authorization', 'cookie', 'proxy-authorization', 'meridian-signature']) {
        expect(landed?.headers[name]).toBeUndefined();
      }
      expect(signedUrls).toEqual([`${server.url}/go?to=${encodeURIComponent(away)}`]);
    });

    it('should keep them within the origin, and sign each hop for its own URL', async () => {
      await signing.run(
        payload(`/go?to=${encodeURIComponent('/landed-here')}`, { method: 'GET', headers: credentials }),
        context(),
      );

      const [landed] = server.on('/landed-here');
      expect(landed?.headers).toMatchObject({
        authorization: 'Bearer tenant-secret',
        cookie: 'session=tenant-secret',
        'proxy-authorization': 'Basic dGVuYW50OnNlY3JldA==',
        'meridian-signature': `signed-for:${server.url}/landed-here`,
      });
      expect(signedUrls).toEqual([`${server.url}/go?to=%2Flanded-here`, `${server.url}/landed-here`]);
    });

    it('should not sign again once it has left the origin, even on the way back', async () => {
      const back = `${server.url}/back`;
      const away = `${server.url.replace('127.0.0.1', 'localhost')}/go?to=${encodeURIComponent(back)}`;

      await signing.run(
        payload(`/go?to=${encodeURIComponent(away)}`, { method: 'GET', headers: credentials }),
        context(),
      );

      const [returned] = server.on('/back');
      expect(returned?.headers['meridian-signature']).toBeUndefined();
      expect(returned?.headers.authorization).toBeUndefined();
      expect(signedUrls).toHaveLength(1);
    });
  });

  describe('the response size', () => {
    it('should keep only maxResponseBytes of a larger response and say it was truncated', async () => {
      const result = (await sut.run(payload('/big'), context())) as {
        status: number;
        truncated: boolean;
        body: string;
      };

      expect(result.status).toBe(200);
      expect(result.truncated).toBe(true);
      expect(result.body).toBe(`{"blob":"${'x'.repeat(55)}`);
      expect(Buffer.byteLength(result.body)).toBe(64);
    });

    it('should keep a response of exactly maxResponseBytes whole', async () => {
      const result = (await sut.run(payload('/exact'), context())) as { truncated: boolean; body: unknown };

      expect(result.truncated).toBe(false);
      expect(result.body).toEqual({ blob: 'x'.repeat(53) });
    });

    it('should truncate the body of a failed response too', async () => {
      const small = createHttpHandler({ maxResponseBytes: 5 });
      const error = await handlerErrorOf(small.run(payload('/status/500'), context()));

      expect(error.details).toEqual({ status: 500, body: '{"pat', truncated: true });
    });
  });

  describe('the signal', () => {
    it('should not call the target when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort('meridian:cancelled');

      await expect(sut.run(payload('/ok'), context({ signal: controller.signal }))).rejects.toBe('meridian:cancelled');
      expect(server.requests).toEqual([]);
    });

    it('should stop a request waiting for its response, failing with the abort reason', async () => {
      const controller = new AbortController();
      const run = sut.run(payload('/hang'), context({ signal: controller.signal }));
      await server.arrived('/hang');

      controller.abort('meridian:cancelled');

      await expect(run).rejects.toBe('meridian:cancelled');
      await server.dropped('/hang');
    });

    it('should stop reading a response that is still streaming', async () => {
      const controller = new AbortController();
      const run = sut.run(payload('/drip'), context({ signal: controller.signal }));
      await server.arrived('/drip');

      controller.abort('meridian:shutdown');

      await expect(run).rejects.toBe('meridian:shutdown');
      await server.dropped('/drip');
    });
  });

  describe('the target policy', () => {
    it('should not call a target the policy refuses', async () => {
      const refused = new HandlerError('private address', { retryable: false });
      const guarded = createHttpHandler({
        maxResponseBytes: 64,
        targetPolicy: { assertAllowed: () => Promise.reject(refused) },
      });

      await expect(guarded.run(payload('/ok'), context())).rejects.toBe(refused);
      expect(server.requests).toEqual([]);
    });

    it('should ask the policy about every address it is redirected to, and not call a refused one', async () => {
      const asked: string[] = [];
      const guarded = createHttpHandler({
        maxResponseBytes: 64,
        targetPolicy: {
          assertAllowed: (url) => {
            asked.push(url.pathname);
            return url.pathname === '/internal'
              ? Promise.reject(new HandlerError('private address', { retryable: false }))
              : Promise.resolve();
          },
        },
      });

      const outcome = await guarded.run(payload('/redirect', { method: 'GET' }), context()).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );

      expect(server.on('/internal')).toEqual([]);
      expect(asked).toEqual(['/redirect', '/internal']);
      expect(outcome).toEqual({ error: expect.any(HandlerError) });
    });
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [501, true],
    [503, true],
    [599, true],
    [300, false],
    [304, false],
    [400, false],
    [404, false],
    [409, false],
    [499, false],
  ])('should call %i retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});

describe('httpPayloadSchema', () => {
  it('should default to POST with no headers and no body', () => {
    expect(httpPayloadSchema.parse({ url: 'https://example.com/hook' })).toEqual({
      url: 'https://example.com/hook',
      method: 'POST',
      headers: {},
    });
  });

  it.each([
    ['a file URL', { url: 'file:///etc/passwd' }],
    ['a relative URL', { url: '/relative' }],
    ['an ftp URL', { url: 'ftp://example.com/x' }],
    ['an unknown method', { url: 'https://example.com', method: 'TRACE' }],
    ['a lower-case method', { url: 'https://example.com', method: 'post' }],
    ['a non-string header', { url: 'https://example.com', headers: { 'x-n': 1 } }],
    ['an unknown field', { url: 'https://example.com', timeout: 5 }],
    ['parents with a body that is not an object', { url: 'https://example.com', body: [1], includeParents: true }],
    ['parents with a string body', { url: 'https://example.com', body: 'text', includeParents: true }],
  ])('should refuse %s', (_case, input) => {
    expect(httpPayloadSchema.safeParse(input).success).toBe(false);
  });
});

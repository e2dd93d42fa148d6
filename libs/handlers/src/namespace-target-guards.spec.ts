import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HandlerError } from '@meridian/domain';

import { aHandlerContext } from './handler-context.fixture.js';
import { createHttpHandler, httpPayloadSchema } from './http.handler.js';
import { NamespaceTargetGuards } from './namespace-target-guards.js';

const context = (namespace: string) => aHandlerContext({ namespace });

describe(NamespaceTargetGuards.name, () => {
  let server: Server;
  let port = 0;
  const own: Record<string, string[]> = { internal: ['127.0.0.0/8'], 'internal-too': ['127.0.0.0/8'] };
  const sut = new NamespaceTargetGuards({
    processWide: ['10.20.0.0/16'],
    ownRanges: (namespace) => Promise.resolve(own[namespace] ?? []),
  });
  const handler = createHttpHandler({ maxResponseBytes: 1024, targetPolicy: sut });

  beforeAll(async () => {
    // Keep-alive, so a pooled connection would be reused if one guard served two namespaces.
    server = createServer({ keepAliveTimeout: 60_000 }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await sut.close();
  });

  const call = (namespace: string, host = 'localhost') =>
    handler.run(httpPayloadSchema.parse({ url: `http://${host}:${port}/`, method: 'GET' }), context(namespace));

  it('should let a namespace call the ranges of its own list, besides the process-wide ones', async () => {
    const guard = await sut.forNamespace('internal');

    expect(guard.allows('127.0.0.1')).toBe(true);
    expect(guard.allows('10.20.1.1')).toBe(true);
    expect(guard.allows('10.21.1.1')).toBe(false);
    await expect(call('internal')).resolves.toMatchObject({ status: 200 });
  });

  it('should refuse the same target to a namespace without that range, even after another called it', async () => {
    await expect(call('internal')).resolves.toMatchObject({ status: 200 });

    const refusal = await call('public', 'localhost').catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(HandlerError);
    expect((refusal as HandlerError).details).toMatchObject({ reason: 'forbidden_target' });
    const guard = await sut.forNamespace('public');
    expect(guard.allows('10.20.1.1')).toBe(true);
    expect(guard.allows('127.0.0.1')).toBe(false);
  });

  it('should share one guard between the namespaces with the same list, and one between those with none', async () => {
    expect(await sut.forNamespace('internal')).toBe(await sut.forNamespace('internal-too'));
    expect(await sut.forNamespace('public')).toBe(await sut.forNamespace('another'));
    expect(await sut.forNamespace('internal')).not.toBe(await sut.forNamespace('public'));
  });

  it('should close the guard of a list no request has used for ten minutes, and make a new one when needed', async () => {
    const start = Date.now();
    const first = await sut.forNamespace('internal', start);

    await sut.forNamespace('public', start + 11 * 60_000);
    const again = await sut.forNamespace('internal', start + 11 * 60_000);

    expect(again).not.toBe(first);
    expect(first.dispatcher.closed).toBe(true);
  });
});

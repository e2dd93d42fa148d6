import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { FaultProxy, proxiedUrl } from './fault-proxy.js';

/** A client of the proxy that collects what the echo server sends back. */
async function connect(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<unknown> }> {
  const socket = createConnection({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  return { socket, received: () => received, closed };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(FaultProxy.name, () => {
  let echo: Server;
  let sut: FaultProxy;

  beforeEach(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const address = echo.address();
    if (address === null || typeof address === 'string') {
      throw new Error('no port');
    }
    sut = await FaultProxy.start({ host: '127.0.0.1', port: address.port });
  });

  afterEach(async () => {
    await sut.close();
    echo.close();
  });

  it('should forward both ways', async () => {
    const client = await connect(sut.port);
    client.socket.write('ping');
    await until(() => client.received() === 'ping');
    client.socket.destroy();
  });

  it('should drop open connections and refuse new ones when cut, until restored', async () => {
    const client = await connect(sut.port);
    sut.cut();
    await client.closed;

    const refused = await connect(sut.port);
    await refused.closed;

    sut.restore();
    const again = await connect(sut.port);
    again.socket.write('back');
    await until(() => again.received() === 'back');
    again.socket.destroy();
  });

  it('should keep connections open but forward nothing when stalled, then deliver on restore', async () => {
    const client = await connect(sut.port);
    sut.stall();
    client.socket.write('held');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.received()).toBe('');
    expect(client.socket.destroyed).toBe(false);

    sut.restore();
    await until(() => client.received() === 'held');
    client.socket.destroy();
  });

  it('should delay every chunk when slowed', async () => {
    const client = await connect(sut.port);
    sut.slow(150);
    const sent = Date.now();
    client.socket.write('slow');
    await until(() => client.received() === 'slow');
    // Two hops (there and back), each delayed: a lower bound only, which no scheduling can break.
    expect(Date.now() - sent).toBeGreaterThanOrEqual(290);
    client.socket.destroy();
  });

  it('should point a URL at the proxy', () => {
    expect(proxiedUrl('postgresql://postgres@10.0.0.1:5432/db?x=1', sut)).toBe(
      `postgresql://postgres@127.0.0.1:${sut.port}/db?x=1`,
    );
    expect(proxiedUrl('redis://127.0.0.1:6379', sut)).toBe(`redis://127.0.0.1:${sut.port}`);
  });
});

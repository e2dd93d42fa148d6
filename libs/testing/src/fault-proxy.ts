import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with the traffic between its clients and the upstream service. */
type ProxyMode = 'forward' | 'cut' | 'stall';

/**
 * A TCP proxy a fault test puts between the apps and Postgres or Redis, to take the service away
 * from them without touching the shared service itself: `cut()` drops every connection and refuses
 * new ones, `stall()` keeps connections open but forwards nothing (a black-holed network), `slow(ms)`
 * delays every chunk, `restore()` forwards normally again.
 */
export class FaultProxy {
  private mode: ProxyMode = 'forward';
  private delayMs = 0;
  private readonly sockets = new Set<Socket>();
  /** Chunks held back by a stall, released by restore(). */
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts a proxy on a free loopback port, forwarding to `upstream`. */
  static async start(upstream: { host: string; port: number }): Promise<FaultProxy> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('the fault proxy has no port');
    }
    const proxy = new FaultProxy(server, address.port);
    server.on('connection', (client: Socket) => proxy.accept(client, upstream));
    return proxy;
  }

  /** Destroys every open connection and refuses new ones until {@link restore}. */
  cut(): void {
    this.mode = 'cut';
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
  }

  /** Keeps connections (and accepts new ones) but forwards nothing until {@link restore}. */
  stall(): void {
    this.mode = 'stall';
  }

  /** Delays every chunk, both ways, by `ms` until {@link restore}. */
  slow(ms: number): void {
    this.delayMs = ms;
  }

  /** Forwards normally again, releasing what a stall held back. */
  restore(): void {
    this.mode = 'forward';
    this.delayMs = 0;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) {
      wake();
    }
  }

  /** Closes every connection and the listening socket. */
  async close(): Promise<void> {
    this.cut();
    this.restore();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, upstream: { host: string; port: number }): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    const server = createConnection(upstream);
    this.track(client, server);
    this.track(server, client);
    this.pipe(client, server);
    this.pipe(server, client);
  }

  private track(socket: Socket, peer: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => peer.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      peer.destroy();
    });
  }

  /** Forwards `from` to `to` in order, each chunk waiting out a stall and the configured delay. */
  private pipe(from: Socket, to: Socket): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      chain = chain.then(async () => {
        while (this.mode === 'stall') {
          await new Promise<void>((resolve) => this.waiters.push(resolve));
        }
        if (this.delayMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        }
        if (!to.destroyed) {
          to.write(chunk);
        }
      });
    });
    from.on('end', () => {
      void chain.then(() => to.end());
    });
  }
}

/** `url` (postgres:// or redis://) with its host and port replaced by the proxy's. */
export function proxiedUrl(url: string, proxy: FaultProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface HttpTarget {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  requests: ReceivedRequest[];
  /** Requests received on `path`. */
  on(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback that the `http` handler can call. `respond` picks the status for
 * each request from the path and how many requests that path has had (1-based), and the request.
 */
export async function startHttpTarget(
  respond: (
    path: string,
    count: number,
    request: ReceivedRequest,
  ) => { status: number; body?: unknown; delayMs?: number },
): Promise<HttpTarget> {
  const requests: ReceivedRequest[] = [];
  const counts = new Map<string, number>();
  const pending = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      const received: ReceivedRequest = {
        method: request.method ?? 'GET',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(received);
      const answer = respond(path, count, received);
      const timer = setTimeout(() => {
        pending.delete(timer);
        response.statusCode = answer.status;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(answer.body ?? { count }));
      }, answer.delayMs ?? 0);
      pending.add(timer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path) => requests.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) {
          clearTimeout(timer);
        }
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

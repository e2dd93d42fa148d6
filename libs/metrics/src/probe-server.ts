import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

import type { MetricCatalog } from './metric-catalog.js';
import type { Readiness } from './readiness.js';

/**
 * The scheduler's and the worker's small HTTP port (METRICS_PORT): `/metrics` for Prometheus,
 * `/healthz` (the process runs) and `/readyz` (it can work) for Kubernetes' probes. It opens
 * before the app takes work and closes last, after the app's shutdown has drained: a probe during
 * the drain still gets an answer.
 */
export class ProbeServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ProbeServer.name);
  private server: Server | null = null;

  constructor(
    private readonly catalog: MetricCatalog,
    private readonly readiness: Readiness,
    private readonly port: number,
  ) {}

  onModuleInit(): Promise<void> {
    return this.listen();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    // A probe connection must not keep a stopping process alive.
    server.keepAliveTimeout = 1000;
    server.listen(this.port);
    await once(server, 'listening');
    this.server = server;
    this.logger.log(`metrics and probes on port ${this.listeningPort ?? this.port}`);
  }

  /** The port it listens on (the one asked for, or the one the system chose for 0); null when closed. */
  get listeningPort(): number | null {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : null;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) {
      return;
    }
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'text/plain', 'method not allowed\n');
    }
    const path = new URL(request.url ?? '/', 'http://probe').pathname;
    switch (path) {
      case '/metrics':
        return send(response, 200, this.catalog.registry.contentType, await this.catalog.registry.metrics());
      case '/healthz':
        return send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      case '/readyz': {
        const report = await this.readiness.report();
        return send(response, report.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(report));
      }
      default:
        return send(response, 404, 'text/plain', 'not found\n');
    }
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType });
  response.end(body);
}

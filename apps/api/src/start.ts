import 'reflect-metadata';

import { httpMetrics, MetricCatalog } from '@meridian/metrics';
import { handleShutdownSignals, loadConfigOrExit, runMain } from '@meridian/runtime';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';

import { mountBullBoard } from './admin/bull-board.js';
import { AppModule } from './app.module.js';
import { addressRateLimit } from './auth/address-rate-limit.middleware.js';
import { AddressRateLimiter } from './auth/address-rate-limiter.js';
import { mountConsole } from './console/console.js';
import { buildApiDocument } from './openapi/api-document.js';

const closeOnSignals = handleShutdownSignals();

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  // Nest's own body parser is off: ours answers malformed or oversized bodies as problems, and runs
  // only once the request's key is known to be good (RequestBodyMiddleware, after ApiKeyMiddleware).
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Who the client is, for the limits per address: the connecting address, unless it is a trusted proxy.
  app.set('trust proxy', config.api.trustProxy.length === 0 ? false : config.api.trustProxy);
  // Every request is counted, those refused before routing too.
  app.use(httpMetrics(app.get(MetricCatalog)));
  // Before anything else, Bull Board and the API description included.
  app.use(addressRateLimit(app.get(AddressRateLimiter)));
  closeOnSignals(app);
  mountBullBoard(app);
  mountConsole(app);

  const document = buildApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.listen(config.api.port, config.api.host);
  app.get(Logger).log(`api listening on http://${config.api.host}:${config.api.port}`);
}

runMain(bootstrap);

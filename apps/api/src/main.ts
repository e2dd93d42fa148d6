import 'reflect-metadata';

import { handleShutdownSignals, loadConfigOrExit, runMain } from '@meridian/runtime';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';

import { mountBullBoard } from './admin/bull-board.js';
import { AppModule } from './app.module.js';
import { jsonBody } from './common/json-body.middleware.js';

const closeOnSignals = handleShutdownSignals();

/** Routes whose bodies carry many jobs. */
const BATCH_ROUTES = new Set(['/v1/jobs/batch', '/v1/workflows']);

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  // Nest's own body parser is off: ours answers malformed or oversized bodies as problems.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Routes that take up to 1,000 jobs at once get a larger body limit than the rest.
  const batchBody = jsonBody(config.api.maxBatchBodyBytes);
  const body = jsonBody(config.api.maxBodyBytes);
  app.use((request: Request, response: Response, next: NextFunction) =>
    (BATCH_ROUTES.has(request.path) ? batchBody : body)(request, response, next),
  );
  closeOnSignals(app);
  mountBullBoard(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Meridian')
      .setDescription('Distributed job scheduler: create jobs, watch their executions and attempts.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: mk_…' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.listen(config.api.port, config.api.host);
  app.get(Logger).log(`api listening on http://${config.api.host}:${config.api.port}`);
}

runMain(bootstrap);

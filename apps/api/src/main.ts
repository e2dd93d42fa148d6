import 'reflect-metadata';

import { handleShutdownSignals, loadConfigOrExit, runMain } from '@meridian/runtime';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';

import { mountBullBoard } from './admin/bull-board.js';
import { AppModule } from './app.module.js';
import { jsonBody } from './common/json-body.middleware.js';

const closeOnSignals = handleShutdownSignals();

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
  app.use(jsonBody(config.api.maxBodyBytes));
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

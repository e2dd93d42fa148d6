import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit, runMain } from '@meridian/runtime';
import { Logger } from 'nestjs-pino';

import { SchedulerModule } from './scheduler.module.js';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
}

runMain(bootstrap);

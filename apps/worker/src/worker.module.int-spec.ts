import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { ApiKeyRepository, ExecutionRepository, JobRepository } from '@meridian/db';
import { HandlerRegistry } from '@meridian/handler-sdk';
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  testRedisPrefix,
} from '@meridian/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { WorkerModule } from './worker.module.js';

describe(WorkerModule.name, () => {
  const prefix = testRedisPrefix();
  let database: TestDatabase;
  let sut: INestApplicationContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
    sut = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  });
  afterAll(async () => {
    await sut.close();
    await database.drop();
    await deleteRedisPrefix(prefix);
  });

  it('should boot with the handler catalog and the repositories a run needs', () => {
    expect(sut.get(HandlerRegistry)).toBeInstanceOf(HandlerRegistry);
    expect(sut.get(ExecutionRepository)).toBeInstanceOf(ExecutionRepository);
  });

  it('should not provide the repositories of the api: keys and jobs', () => {
    expect(() => sut.get(ApiKeyRepository)).toThrow();
    expect(() => sut.get(JobRepository)).toThrow();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { JobRepository, OutboxRepository } from '@meridian/db';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { Repositories } from '@meridian/runtime';
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  testRedisPrefix,
} from '@meridian/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { AppModule } from './app.module.js';

describe(AppModule.name, () => {
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
    sut = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
  });
  afterAll(async () => {
    await sut.close();
    await database.drop();
    await deleteRedisPrefix(prefix);
  });

  it('should boot with the handler catalog it validates jobs against', () => {
    expect(sut.get(HandlerRegistry)).toBeInstanceOf(HandlerRegistry);
  });

  it('should build one instance of each repository its modules share', () => {
    expect(sut.get(Repositories).ifBuilt(JobRepository)).toBe(sut.get(JobRepository));
  });

  it('should not build the outbox repository, which only the scheduler uses', () => {
    expect(sut.get(Repositories).ifBuilt(OutboxRepository)).toBeUndefined();
  });
});

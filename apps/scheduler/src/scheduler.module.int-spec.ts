import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { ApiKeyRepository, OutboxRepository } from '@meridian/db';
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

import { RecurrenceService } from './recurrence/recurrence.service.js';
import { SchedulerModule } from './scheduler.module.js';

describe(SchedulerModule.name, () => {
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
    sut = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config), { logger: false });
  });
  afterAll(async () => {
    await sut.close();
    await database.drop();
    await deleteRedisPrefix(prefix);
  });

  it('should boot with its services and the repositories they use', () => {
    expect(sut.get(RecurrenceService)).toBeInstanceOf(RecurrenceService);
    expect(sut.get(OutboxRepository)).toBeInstanceOf(OutboxRepository);
  });

  it('should provide neither the handler catalog nor the api keys, which it never uses', () => {
    expect(() => sut.get(HandlerRegistry)).toThrow();
    expect(() => sut.get(ApiKeyRepository)).toThrow();
  });
});

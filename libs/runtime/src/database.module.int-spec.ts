import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, type MeridianConfig } from '@meridian/config';
import { ApiKeyRepository, ExecutionRepository, JobRepository } from '@meridian/db';
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  testRedisPrefix,
  waitFor,
} from '@meridian/testing';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';

import { CoreModule } from './core.module.js';
import { DatabaseModule } from './database.module.js';
import { QueueModule } from './queue.module.js';
import { Repositories } from './repositories.js';
import { REDIS } from './tokens.js';

@Injectable()
class JobsReader {
  constructor(readonly jobs: JobRepository) {}
}

@Module({ imports: [DatabaseModule.forFeature([JobRepository])], providers: [JobsReader], exports: [JobsReader] })
class JobsFeature {}

@Injectable()
class RunsReader {
  constructor(
    readonly jobs: JobRepository,
    readonly executions: ExecutionRepository,
  ) {}
}

@Module({
  imports: [DatabaseModule.forFeature([JobRepository, ExecutionRepository])],
  providers: [RunsReader],
  exports: [RunsReader],
})
class RunsFeature {}

@Module({})
class TestApp {
  static forRoot(config: MeridianConfig) {
    return {
      module: TestApp,
      imports: [
        CoreModule.forRoot(config, 'worker'),
        DatabaseModule.forRoot(config),
        QueueModule.forRoot(config, 'worker'),
        JobsFeature,
        RunsFeature,
      ],
    };
  }
}

describe(DatabaseModule.name, () => {
  const prefix = testRedisPrefix();
  let database: TestDatabase;
  let config: MeridianConfig;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
  });
  afterAll(async () => {
    await database.drop();
    await deleteRedisPrefix(prefix);
  });

  it('should give every module that lists a repository the same instance, and build none that no module lists', async () => {
    const sut = await NestFactory.createApplicationContext(TestApp.forRoot(config), { logger: false });
    try {
      const jobsReader = sut.get(JobsReader);
      const runsReader = sut.get(RunsReader);

      expect(jobsReader.jobs).toBeInstanceOf(JobRepository);
      expect(runsReader.jobs).toBe(jobsReader.jobs);
      expect(runsReader.executions).toBeInstanceOf(ExecutionRepository);
      expect(sut.get(Repositories).ifBuilt(ApiKeyRepository)).toBeUndefined();
      expect(() => sut.get(ApiKeyRepository)).toThrow();
    } finally {
      await sut.close();
    }
  });

  it('should close the Redis connection when the process shuts down', async () => {
    const sut = await NestFactory.createApplicationContext(TestApp.forRoot(config), { logger: false });
    const redis = sut.get<Redis>(REDIS);

    await sut.close();

    // QUIT is answered before the socket closes: the connection ends a moment after.
    await waitFor(() => Promise.resolve(redis.status === 'end' ? true : undefined), {
      timeoutMs: 5000,
      what: 'redis end',
    });
    expect(redis.status).toBe('end');
  });

  it('should refuse a repository it does not know how to build', () => {
    class UnknownRepository {}

    expect(() => DatabaseModule.forFeature([UnknownRepository])).toThrow('UnknownRepository');
  });
});

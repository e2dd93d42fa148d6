import { afterAll, beforeAll } from '@jest/globals';
import { loadConfig, type MeridianConfig } from '@meridian/config';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { createTestDatabase, type TestDatabase } from './test-database.js';
import { TEST_REDIS_URL } from './test-env.js';
import { deleteRedisPrefix, testRedisPrefix } from './test-redis.js';

/**
 * An app's root module booted as its process boots it (without the HTTP listener), on a database
 * and a Redis prefix of the enclosing `describe`'s own; closed in the app's shutdown order, then
 * the database dropped and the prefix deleted, after its tests. The returned function gives the
 * booted context inside tests.
 */
export function useAppModule(rootModule: (config: MeridianConfig) => DynamicModule): () => INestApplicationContext {
  const prefix = testRedisPrefix();
  let database: TestDatabase | undefined;
  let context: INestApplicationContext | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      // No probe port either: test files run side by side.
      METRICS_PORT: '0',
    });
    context = await NestFactory.createApplicationContext(rootModule(config), { logger: false });
  }, 30_000);
  afterAll(async () => {
    await context?.close();
    await database?.drop();
    await deleteRedisPrefix(prefix);
  });
  return () => {
    if (context === undefined) {
      throw new Error('the app module is only booted inside tests');
    }
    return context;
  };
}

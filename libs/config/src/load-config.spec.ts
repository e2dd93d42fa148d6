import { describe, expect, it } from '@jest/globals';
import { InvalidConfigurationError } from '@meridian/domain';

import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('should run against local Redis and Postgres with no variables set', () => {
    const config = loadConfig({});

    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/meridian');
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'meridian' });
    expect(config.queues).toEqual(['default']);
    expect(config.api).toMatchObject({ port: 3000, maxPayloadBytes: 262_144 });
    expect(config.worker.concurrency).toBe(10);
    expect(config.worker.id).toMatch(/-\d+$/);
  });

  it('should read and coerce every section', () => {
    const config = loadConfig({
      API_PORT: '8080',
      QUEUES: 'default, critical ,reports',
      WORKER_CONCURRENCY: '50',
      WORKER_ID: 'worker-a',
      OUTBOX_POLL_INTERVAL_MS: '25',
      LOG_LEVEL: 'debug',
    });

    expect(config.api.port).toBe(8080);
    expect(config.queues).toEqual(['default', 'critical', 'reports']);
    expect(config.worker).toMatchObject({ concurrency: 50, id: 'worker-a' });
    expect(config.outbox.pollIntervalMs).toBe(25);
    expect(config.logLevel).toBe('debug');
  });

  it('should name every bad variable in one error', () => {
    const load = () =>
      loadConfig({
        API_PORT: 'eighty',
        REDIS_URL: 'http://127.0.0.1:6379',
        DATABASE_URL: 'mysql://localhost/db',
        QUEUES: ' , ',
        WORKER_CONCURRENCY: '0',
        LOG_LEVEL: 'loud',
      });

    expect(load).toThrow(InvalidConfigurationError);
    let message = '';
    try {
      load();
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of ['API_PORT', 'REDIS_URL', 'DATABASE_URL', 'QUEUES', 'WORKER_CONCURRENCY', 'LOG_LEVEL']) {
      expect(message).toContain(variable);
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { InvalidConfigurationError } from '@meridian/domain';

import { loadConfig } from './load-config.js';

function failureOf(env: NodeJS.ProcessEnv): InvalidConfigurationError {
  let loaded: unknown;
  try {
    loaded = loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}, but it loaded ${JSON.stringify(loaded)}`);
}

describe('loadConfig', () => {
  it('should run against local Redis and Postgres with no variables set', () => {
    const config = loadConfig({});

    expect(config).toEqual({
      env: 'development',
      logLevel: 'info',
      database: { url: 'postgresql://postgres@127.0.0.1:5432/meridian', poolSize: 10, connectTimeoutMs: 10_000 },
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'meridian' },
      queues: ['default'],
      api: {
        host: '0.0.0.0',
        port: 3000,
        maxBodyBytes: 524_288,
        maxBatchBodyBytes: 16_777_216,
        maxPayloadBytes: 262_144,
        runAtPastToleranceMs: 60_000,
        maxDependencies: 100,
        maxRecurringJobsPerNamespace: 1000,
        bootstrapKey: null,
        rateLimitPerMinute: 6000,
        rateLimitBurst: 10_000,
        keyCache: { ttlMs: 30_000, maxEntries: 10_000 },
        refusalAudit: { perAddressPerMinute: 10, perNamespacePerMinute: 100 },
        namespaceRateLimitPerMinute: 6000,
        namespaceRateLimitBurst: 10_000,
        addressRateLimitPerMinute: 60_000,
        authFailureLimitPerMinute: 100,
        trustProxy: [],
        bullBoardWritable: false,
      },
      metrics: { port: 9464 },
      outbox: { pollIntervalMs: 50, batchSize: 500 },
      scheduler: { tickConcurrency: 2000 },
      reconciler: { intervalMs: 30_000, graceMs: 60_000, redisLossCheckIntervalMs: 1000 },
      stallDetection: { lockDurationMs: 10_000, stalledIntervalMs: 5000 },
      worker: {
        id: expect.stringMatching(new RegExp(`-${process.pid}$`)),
        concurrency: 50,
        shutdownGraceMs: 30_000,
        resultMaxBytes: 65_536,
        errorMaxBytes: 16_384,
        httpMaxResponseBytes: 1_048_576,
        httpAllowedTargets: [],
        namespaceDefaults: { maxConcurrency: 0, maxRunsPerMinute: 0 },
      },
      tracing: null,
    });
  });

  it('should read the variables it is given, not process.env', () => {
    const saved = process.env.API_PORT;
    process.env.API_PORT = '9999';
    try {
      expect(loadConfig({}).api.port).toBe(3000);
    } finally {
      if (saved === undefined) {
        delete process.env.API_PORT;
      } else {
        process.env.API_PORT = saved;
      }
    }
  });

  it('should read and coerce every section', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgres://meridian:pw@db:5432/meridian',
      DATABASE_POOL_SIZE: '25',
      DATABASE_CONNECT_TIMEOUT_MS: '3000',
      REDIS_URL: 'rediss://cache:6380',
      REDIS_PREFIX: '{meridian-prod}',
      QUEUES: 'default, critical ,reports',
      API_HOST: '127.0.0.1',
      API_PORT: '8080',
      API_MAX_BODY_BYTES: '2048',
      API_MAX_BATCH_BODY_BYTES: '4096',
      JOB_MAX_PAYLOAD_BYTES: '1024',
      JOB_RUN_AT_PAST_TOLERANCE_MS: '0',
      JOB_MAX_DEPENDENCIES: '20',
      NAMESPACE_MAX_RECURRING_JOBS: '0',
      METRICS_PORT: '9100',
      OUTBOX_POLL_INTERVAL_MS: '25',
      OUTBOX_BATCH_SIZE: '100',
      RECONCILE_INTERVAL_MS: '1000',
      RECONCILE_GRACE_MS: '5000',
      WORKER_LOCK_DURATION_MS: '20000',
      WORKER_STALLED_INTERVAL_MS: '3000',
      WORKER_ID: 'worker-a',
      WORKER_CONCURRENCY: '50',
      WORKER_SHUTDOWN_GRACE_MS: '10000',
      EXECUTION_RESULT_MAX_BYTES: '4096',
      EXECUTION_ERROR_MAX_BYTES: '1024',
      HTTP_HANDLER_MAX_RESPONSE_BYTES: '8192',
      HTTP_ALLOWED_TARGETS: '10.0.0.0/8, fd00::/8',
      API_RATE_LIMIT_BURST: '500',
      API_KEY_CACHE_TTL_MS: '0',
      API_KEY_CACHE_MAX_ENTRIES: '100',
      AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE: '0',
      AUDIT_REFUSALS_PER_NAMESPACE_PER_MINUTE: '5',
      API_NAMESPACE_RATE_LIMIT_PER_MINUTE: '3000',
      API_NAMESPACE_RATE_LIMIT_BURST: '0',
      API_ADDRESS_RATE_LIMIT_PER_MINUTE: '0',
      API_AUTH_FAILURE_LIMIT_PER_MINUTE: '20',
      API_TRUST_PROXY: 'loopback, 10.0.0.0/8',
      BULL_BOARD_WRITABLE: 'true',
      SCHEDULER_TICK_CONCURRENCY: '20',
    });

    expect(config).toEqual({
      env: 'production',
      logLevel: 'debug',
      database: { url: 'postgres://meridian:pw@db:5432/meridian', poolSize: 25, connectTimeoutMs: 3000 },
      redis: { url: 'rediss://cache:6380', prefix: '{meridian-prod}' },
      queues: ['default', 'critical', 'reports'],
      api: {
        host: '127.0.0.1',
        port: 8080,
        maxBodyBytes: 2048,
        maxBatchBodyBytes: 4096,
        maxPayloadBytes: 1024,
        runAtPastToleranceMs: 0,
        maxDependencies: 20,
        maxRecurringJobsPerNamespace: 0,
        bootstrapKey: null,
        rateLimitPerMinute: 6000,
        rateLimitBurst: 500,
        keyCache: { ttlMs: 0, maxEntries: 100 },
        refusalAudit: { perAddressPerMinute: 0, perNamespacePerMinute: 5 },
        namespaceRateLimitPerMinute: 3000,
        namespaceRateLimitBurst: 0,
        addressRateLimitPerMinute: 0,
        authFailureLimitPerMinute: 20,
        trustProxy: ['loopback', '10.0.0.0/8'],
        bullBoardWritable: true,
      },
      metrics: { port: 9100 },
      outbox: { pollIntervalMs: 25, batchSize: 100 },
      scheduler: { tickConcurrency: 20 },
      reconciler: { intervalMs: 1000, graceMs: 5000, redisLossCheckIntervalMs: 1000 },
      stallDetection: { lockDurationMs: 20_000, stalledIntervalMs: 3000 },
      worker: {
        id: 'worker-a',
        concurrency: 50,
        shutdownGraceMs: 10_000,
        resultMaxBytes: 4096,
        errorMaxBytes: 1024,
        httpMaxResponseBytes: 8192,
        httpAllowedTargets: ['10.0.0.0/8', 'fd00::/8'],
        namespaceDefaults: { maxConcurrency: 0, maxRunsPerMinute: 0 },
      },
      tracing: null,
    });
  });

  it('should ignore variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }).api.port).toBe(3000);
  });

  it('should turn tracing on only with an OTLP endpoint, sending to its /v1/traces', () => {
    expect(loadConfig({ OTEL_SERVICE_NAME: 'x' }).tracing).toBeNull();
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_BSP_SCHEDULE_DELAY: '200' }).tracing,
    ).toEqual({ tracesUrl: 'http://collector:4318/v1/traces', serviceName: null, exportDelayMs: 200 });
  });

  it('should drop empty entries from QUEUES', () => {
    expect(loadConfig({ QUEUES: 'a,,b,' }).queues).toEqual(['a', 'b']);
  });

  it.each([
    ['API_PORT', 'abc'],
    ['API_PORT', '65536'],
    ['API_PORT', '80.5'],
    ['API_PORT', '-1'],
    ['REDIS_URL', 'http://x'],
    ['REDIS_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['QUEUES', ' , '],
    ['QUEUES', 'default,Reports'],
    ['HTTP_ALLOWED_TARGETS', '10.0.0.0'],
    ['HTTP_ALLOWED_TARGETS', '10.0.0.0/8,internal.example'],
    ['WORKER_CONCURRENCY', '0'],
    ['WORKER_LOCK_DURATION_MS', '999'],
    ['WORKER_STALLED_INTERVAL_MS', '0'],
    ['DATABASE_POOL_SIZE', '201'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['REDIS_PREFIX', 'has space'],
    ['OUTBOX_POLL_INTERVAL_MS', '1'],
    ['WORKER_ID', ''],
    ['BULL_BOARD_WRITABLE', 'yes'],
    ['BULL_BOARD_WRITABLE', '1'],
    ['API_TRUST_PROXY', 'proxy.internal'],
    ['API_AUTH_FAILURE_LIMIT_PER_MINUTE', '0'],
    ['METRICS_PORT', '65536'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://collector:4317'],
    ['OTEL_BSP_SCHEDULE_DELAY', '0'],
  ])('should refuse %s=%j, naming it', (variable, value) => {
    const error = failureOf({ [variable]: value });

    expect(error.code).toBe('invalid_configuration');
    // A bad entry of a list is named with its index: QUEUES.1
    expect(error.issues.map((issue) => issue.path.split('.')[0])).toEqual([variable]);
    expect(error.message).toContain(variable);
  });

  it('should name every bad variable in one error', () => {
    const bad = {
      API_PORT: 'abc',
      REDIS_URL: 'http://x',
      QUEUES: ' , ',
      DATABASE_URL: 'mysql://localhost/db',
      WORKER_CONCURRENCY: '0',
      LOG_LEVEL: 'loud',
      EXECUTION_RESULT_MAX_BYTES: '-5',
    };

    const error = failureOf({ ...bad, API_HOST: 'localhost', OUTBOX_BATCH_SIZE: '10' });

    expect(error).toBeInstanceOf(InvalidConfigurationError);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(Object.keys(bad).sort());
    for (const variable of Object.keys(bad)) {
      expect(error.message).toContain(`  ${variable}: `);
    }
    expect(error.message).not.toContain('API_HOST');
    expect(error.message).not.toContain('OUTBOX_BATCH_SIZE');
  });

  it('should refuse an empty or blank numeric variable instead of reading it as 0', () => {
    // `API_PORT=` (set but empty, as `API_PORT: ${API_PORT}` in a compose file leaves it) is not a
    // number. Read as 0 it silently moves the API to a random port, or turns a limit or a grace off.
    const empty = {
      API_PORT: '',
      RECONCILE_GRACE_MS: '',
      EXECUTION_RESULT_MAX_BYTES: ' ',
      JOB_RUN_AT_PAST_TOLERANCE_MS: '',
    };

    const error = failureOf(empty);

    expect(error.issues.map((issue) => issue.path).sort()).toEqual(Object.keys(empty).sort());
  });
});

import { hostname } from 'node:os';

import { InvalidConfigurationError, toFieldIssues } from '@meridian/domain';

import { envSchema } from './config.schema.js';

export interface MeridianConfig {
  env: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: { url: string; poolSize: number };
  redis: { url: string; prefix: string };
  /** Queues that jobs may name and that workers consume. */
  queues: string[];
  api: {
    host: string;
    port: number;
    maxBodyBytes: number;
    /** Largest body of the routes that take many jobs at once (batch create, workflows). */
    maxBatchBodyBytes: number;
    maxPayloadBytes: number;
    runAtPastToleranceMs: number;
    /** API_BOOTSTRAP_KEY, or null: an admin key of namespace `default` that may create keys anywhere. */
    bootstrapKey: string | null;
    /** Requests per API key per minute, across every api process. */
    rateLimitPerMinute: number;
    /** Requests per API key per 10 minutes beyond `rateLimitPerMinute` (0: none). */
    rateLimitBurst: number;
    /** Verified API keys each api process keeps: for `ttlMs` (0: none), at most `maxEntries`. */
    keyCache: { ttlMs: number; maxEntries: number };
  };
  outbox: { pollIntervalMs: number; batchSize: number };
  /** Schedule ticks one scheduler process handles at once. */
  scheduler: { tickConcurrency: number };
  reconciler: { intervalMs: number; graceMs: number };
  worker: {
    id: string;
    concurrency: number;
    shutdownGraceMs: number;
    resultMaxBytes: number;
    httpMaxResponseBytes: number;
    /** CIDR ranges of internal addresses the http handler may call. */
    httpAllowedTargets: string[];
    /** Default limits of each namespace (0: none); a namespace's own limits win. */
    namespaceDefaults: { maxConcurrency: number; maxRunsPerMinute: number };
  };
}

/**
 * Parses the environment once, at boot. Every bad variable is listed in one error, each by name.
 * Nothing else in Meridian reads `process.env`.
 */
    /** Largest `details` and `message` of a failed attempt's error, as JSON. */
    errorMaxBytes: number;
export function loadConfig(source: NodeJS.ProcessEnv = process.env): MeridianConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new InvalidConfigurationError(toFieldIssues(parsed.error));
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    queues: env.QUEUES,
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      maxBodyBytes: env.API_MAX_BODY_BYTES,
      maxBatchBodyBytes: env.API_MAX_BATCH_BODY_BYTES,
      maxPayloadBytes: env.JOB_MAX_PAYLOAD_BYTES,
      runAtPastToleranceMs: env.JOB_RUN_AT_PAST_TOLERANCE_MS,
      bootstrapKey: env.API_BOOTSTRAP_KEY ?? null,
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      rateLimitBurst: env.API_RATE_LIMIT_BURST,
      keyCache: { ttlMs: env.API_KEY_CACHE_TTL_MS, maxEntries: env.API_KEY_CACHE_MAX_ENTRIES },
    },
    outbox: { pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS, batchSize: env.OUTBOX_BATCH_SIZE },
    scheduler: { tickConcurrency: env.SCHEDULER_TICK_CONCURRENCY },
    reconciler: { intervalMs: env.RECONCILE_INTERVAL_MS, graceMs: env.RECONCILE_GRACE_MS },
    worker: {
      id: env.WORKER_ID ?? `${hostname()}-${process.pid}`,
      concurrency: env.WORKER_CONCURRENCY,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
      resultMaxBytes: env.EXECUTION_RESULT_MAX_BYTES,
      httpMaxResponseBytes: env.HTTP_HANDLER_MAX_RESPONSE_BYTES,
      httpAllowedTargets: env.HTTP_ALLOWED_TARGETS,
      namespaceDefaults: {
        maxConcurrency: env.NAMESPACE_MAX_CONCURRENCY,
        maxRunsPerMinute: env.NAMESPACE_MAX_RUNS_PER_MINUTE,
      },
    },
  };
}
      errorMaxBytes: env.EXECUTION_ERROR_MAX_BYTES,

import { hostname } from 'node:os';

import { InvalidConfigurationError, toFieldIssues } from '@meridian/domain';

import { envSchema } from './config.schema.js';

export interface MeridianConfig {
  env: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: { url: string; poolSize: number; connectTimeoutMs: number };
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
    /** Most dependencies of one job. */
    maxDependencies: number;
    /** Recurring jobs per namespace unless it has its own quota (0: no quota). */
    maxRecurringJobsPerNamespace: number;
    /** API_BOOTSTRAP_KEY, or null: an admin key of namespace `default` that may create keys anywhere. */
    bootstrapKey: string | null;
    /** Requests per API key per minute, across every api process. */
    rateLimitPerMinute: number;
    /** Requests per API key per 10 minutes beyond `rateLimitPerMinute` (0: none). */
    rateLimitBurst: number;
    /** Verified API keys each api process keeps: for `ttlMs` (0: none), at most `maxEntries`. */
    keyCache: { ttlMs: number; maxEntries: number };
    /** Refused requests (401, 403) each api process records in the audit log per minute, per client address and per namespace. */
    refusalAudit: { perAddressPerMinute: number; perNamespacePerMinute: number };
    /** Requests of one namespace's keys together per minute, across every api process. */
    namespaceRateLimitPerMinute: number;
    /** Requests of one namespace per 10 minutes beyond `namespaceRateLimitPerMinute` (0: none). */
    namespaceRateLimitBurst: number;
    /** Requests per client address per minute, per api process, before authentication (0: none). */
    addressRateLimitPerMinute: number;
    /** Failed authentications per client address per minute, across every api process. */
    authFailureLimitPerMinute: number;
    /** Proxies trusted to name the client in X-Forwarded-For (Express's `trust proxy`); empty: none. */
    trustProxy: string[];
    /** Whether Bull Board may change the queues; read-only by default. */
    bullBoardWritable: boolean;
  };
  /** The scheduler's and the worker's metrics and probe port; 0: none. */
  metrics: { port: number };
  outbox: { pollIntervalMs: number; batchSize: number };
  /** Schedule ticks one scheduler process handles at once. */
  scheduler: { tickConcurrency: number };
  reconciler: {
    intervalMs: number;
    graceMs: number;
    /** How often the scheduler checks Redis for a loss of its data. */
    redisLossCheckIntervalMs: number;
  };
  /** BullMQ stall detection of every consumer (the worker's attempts, the scheduler's ticks). */
  stallDetection: { lockDurationMs: number; stalledIntervalMs: number };
  worker: {
    id: string;
    concurrency: number;
    shutdownGraceMs: number;
    resultMaxBytes: number;
    /** Largest `details` and `message` of a failed attempt's error, as JSON. */
    errorMaxBytes: number;
    httpMaxResponseBytes: number;
    /** CIDR ranges of internal addresses the http handler may call. */
    httpAllowedTargets: string[];
    /** Default limits of each namespace (0: none); a namespace's own limits win. */
    namespaceDefaults: { maxConcurrency: number; maxRunsPerMinute: number };
  };
  /** OpenTelemetry traces: off (null) unless an OTLP endpoint is set. */
  tracing: {
    /** The OTLP/HTTP traces URL (the endpoint with `/v1/traces`). */
    tracesUrl: string;
    /** `service.name`, or null for `meridian-<component>`. */
    serviceName: string | null;
    /** How long finished spans are batched before export. */
    exportDelayMs: number;
  } | null;
}

/**
 * Parses the environment once, at boot. Every bad variable is listed in one error, each by name.
 * Nothing else in Meridian reads `process.env`.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): MeridianConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new InvalidConfigurationError(toFieldIssues(parsed.error));
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    queues: env.QUEUES,
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      maxBodyBytes: env.API_MAX_BODY_BYTES,
      maxBatchBodyBytes: env.API_MAX_BATCH_BODY_BYTES,
      maxPayloadBytes: env.JOB_MAX_PAYLOAD_BYTES,
      runAtPastToleranceMs: env.JOB_RUN_AT_PAST_TOLERANCE_MS,
      maxDependencies: env.JOB_MAX_DEPENDENCIES,
      maxRecurringJobsPerNamespace: env.NAMESPACE_MAX_RECURRING_JOBS,
      bootstrapKey: env.API_BOOTSTRAP_KEY ?? null,
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      rateLimitBurst: env.API_RATE_LIMIT_BURST,
      keyCache: { ttlMs: env.API_KEY_CACHE_TTL_MS, maxEntries: env.API_KEY_CACHE_MAX_ENTRIES },
      refusalAudit: {
        perAddressPerMinute: env.AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE,
        perNamespacePerMinute: env.AUDIT_REFUSALS_PER_NAMESPACE_PER_MINUTE,
      },
      namespaceRateLimitPerMinute: env.API_NAMESPACE_RATE_LIMIT_PER_MINUTE,
      namespaceRateLimitBurst: env.API_NAMESPACE_RATE_LIMIT_BURST,
      addressRateLimitPerMinute: env.API_ADDRESS_RATE_LIMIT_PER_MINUTE,
      authFailureLimitPerMinute: env.API_AUTH_FAILURE_LIMIT_PER_MINUTE,
      trustProxy: env.API_TRUST_PROXY,
      bullBoardWritable: env.BULL_BOARD_WRITABLE,
    },
    metrics: { port: env.METRICS_PORT },
    outbox: { pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS, batchSize: env.OUTBOX_BATCH_SIZE },
    scheduler: { tickConcurrency: env.SCHEDULER_TICK_CONCURRENCY },
    reconciler: {
      intervalMs: env.RECONCILE_INTERVAL_MS,
      graceMs: env.RECONCILE_GRACE_MS,
      redisLossCheckIntervalMs: env.REDIS_LOSS_CHECK_INTERVAL_MS,
    },
    stallDetection: {
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    },
    worker: {
      id: env.WORKER_ID ?? `${hostname()}-${process.pid}`,
      concurrency: env.WORKER_CONCURRENCY,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
      resultMaxBytes: env.EXECUTION_RESULT_MAX_BYTES,
      errorMaxBytes: env.EXECUTION_ERROR_MAX_BYTES,
      httpMaxResponseBytes: env.HTTP_HANDLER_MAX_RESPONSE_BYTES,
      httpAllowedTargets: env.HTTP_ALLOWED_TARGETS,
      namespaceDefaults: {
        maxConcurrency: env.NAMESPACE_MAX_CONCURRENCY,
        maxRunsPerMinute: env.NAMESPACE_MAX_RUNS_PER_MINUTE,
      },
    },
    tracing:
      env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? null
        : {
            tracesUrl: `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
            serviceName: env.OTEL_SERVICE_NAME ?? null,
            exportDelayMs: env.OTEL_BSP_SCHEDULE_DELAY,
          },
  };
}

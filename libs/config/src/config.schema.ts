import { JOB_DEPENDENCIES_CEILING, MAX_JOB_DEPENDENCIES } from '@meridian/domain';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** A whole number in [min, max]; a blank value is an error, not 0 (as plain coercion would make it). */
const int = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));
/** A comma-separated list whose items, trimmed and without empty ones, must each match `item`. */
const commaSeparated = (item: z.ZodType<string, string>) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(z.array(item));

const queueNames = commaSeparated(
  z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'queue names are lower-case letters, digits, "-" or "_"'),
).pipe(z.array(z.string()).min(1));

/** CIDR ranges (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1/32`); empty allows none. */
const cidrList = commaSeparated(
  z.string().refine((cidr) => ipaddr.isValidCIDR(cidr), { message: 'must be CIDR ranges such as 10.0.0.0/8' }),
);

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** Proxies named as Express's `trust proxy` takes them: addresses, CIDR ranges or a named range. */
const trustedProxies = commaSeparated(
  z.string().refine((entry) => PROXY_RANGE_NAMES.has(entry) || ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry), {
    message: 'must be CIDR ranges, addresses, loopback, linklocal or uniquelocal',
  }),
);

/** `true` or `false`, nothing else: a typo must not silently leave a switch off (or on). */
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * Every environment variable Meridian reads, with its default. Defaults work against a local Redis
 * and Postgres, so a fresh checkout runs with no configuration.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/meridian'),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  /**
   * How long a query waits for a pooled connection (or for a new one to be made) before it fails as
   * database_unavailable: an unreachable or saturated Postgres answers a 503, not a request held open.
   */
  DATABASE_CONNECT_TIMEOUT_MS: int(100, 300_000).default(10_000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key Meridian writes; lets several deployments (or test runs) share a Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_{}-]{1,64}$/)
    .default('meridian'),
  QUEUES: queueNames.default(['default']),

  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: int(0, 65535).default(3000),
  /** An admin key of namespace `default` that also creates keys in any namespace: for the first setup. */
  API_BOOTSTRAP_KEY: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  /** Requests one API key may make per minute, across every api process. */
  API_RATE_LIMIT_PER_MINUTE: int(1, 10_000_000).default(6000),
  /** Requests one API key may make beyond its per-minute limit, per 10 minutes; 0: none (docs/decisions/0001). */
  API_RATE_LIMIT_BURST: int(0, 100_000_000).default(10_000),
  /** Requests the keys of one namespace together may make per minute, across every api process. */
  API_NAMESPACE_RATE_LIMIT_PER_MINUTE: int(1, 10_000_000).default(6000),
  /** Requests one namespace may make beyond its per-minute limit, per 10 minutes; 0: none. */
  API_NAMESPACE_RATE_LIMIT_BURST: int(0, 100_000_000).default(10_000),
  /**
   * Requests one client address may make per minute to one api process, before any key is looked at;
   * counted in memory, so it costs valid requests nothing. 0: no limit.
   */
  API_ADDRESS_RATE_LIMIT_PER_MINUTE: int(0, 100_000_000).default(60_000),
  /** Failed authentications (API and Bull Board) one client address may make per minute, across every api process. */
  API_AUTH_FAILURE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(100),
  /**
   * Proxies whose X-Forwarded-For names the client: CIDR ranges, or `loopback`, `linklocal`,
   * `uniquelocal`. Empty: the client is whoever connects, and forwarded headers are ignored.
   */
  API_TRUST_PROXY: trustedProxies.default([]),
  /** How long an api process trusts an API key it read from Postgres; 0: read it on every request. */
  API_KEY_CACHE_TTL_MS: int(0, 3_600_000).default(30_000),
  /** API keys one api process keeps verified at most (and, apart, ids known to be no active key). */
  API_KEY_CACHE_MAX_ENTRIES: int(1, 10_000_000).default(10_000),
  /**
   * Refused requests (401, 403) one api process records in the audit log per client address per
   * minute; the others are counted in the next entry recorded. 0: none is recorded.
   */
  AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE: int(0, 1_000_000).default(10),
  /** Refused requests one api process records per namespace per minute, whatever their addresses. 0: none. */
  AUDIT_REFUSALS_PER_NAMESPACE_PER_MINUTE: int(0, 1_000_000).default(100),
  API_MAX_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(512 * 1024),
  /** Largest body of the routes that take up to 1,000 jobs at once (batch create, workflows). */
  API_MAX_BATCH_BODY_BYTES: int(1024, 256 * 1024 * 1024).default(16 * 1024 * 1024),
  JOB_MAX_PAYLOAD_BYTES: int(1, 64 * 1024 * 1024).default(256 * 1024),
  JOB_RUN_AT_PAST_TOLERANCE_MS: int(0, 86_400_000).default(60_000),
  /** Most dependencies of one job (its fan-in), on its own or in a workflow. */
  JOB_MAX_DEPENDENCIES: int(1, JOB_DEPENDENCIES_CEILING).default(MAX_JOB_DEPENDENCIES),
  /**
   * Recurring jobs one namespace may have (active or paused), unless it has its own quota; 0: no
   * quota. Every schedule costs the scheduler a tick per occurrence, whoever it belongs to.
   */
  NAMESPACE_MAX_RECURRING_JOBS: int(0, 10_000_000).default(1000),

  /**
   * Whether Bull Board may change the queues (retry, remove, pause, ...). Off by default: such changes
   * bypass Postgres, the state machine and the audit log; the REST API makes them properly.
   */
  BULL_BOARD_WRITABLE: flag.default(false),

  /**
   * Port of the scheduler's and the worker's /metrics, /healthz and /readyz (the api serves them on
   * API_PORT). 0: no such port.
   */
  METRICS_PORT: int(0, 65535).default(9464),

  OUTBOX_POLL_INTERVAL_MS: int(5, 60_000).default(50),
  OUTBOX_BATCH_SIZE: int(1, 5000).default(500),
  /**
   * Schedule ticks one scheduler process holds at once. A tick arrives a second before it is due and
   * waits for its instant; the ticks due together are then written in one transaction. Keep it above
   * the recurring jobs due in any one second, or the rest arrive late.
   */
  SCHEDULER_TICK_CONCURRENCY: int(1, 100_000).default(2000),
  RECONCILE_INTERVAL_MS: int(100, 3_600_000).default(30_000),
  /** How long an execution must sit unchanged before the reconciler checks it against BullMQ. */
  RECONCILE_GRACE_MS: int(0, 86_400_000).default(60_000),
  /**
   * How often the scheduler checks that Redis still holds its data (one GET); a flush or an empty
   * restart found is reconciled at once, without waiting for the grace. Also checked on each reconnect.
   */
  REDIS_LOSS_CHECK_INTERVAL_MS: int(100, 3_600_000).default(1000),

  WORKER_ID: z.string().min(1).max(200).optional(),
  /**
   * Attempts at once per queue per worker process. Handlers mostly wait (http calls), and a worker's
   * attempt starts and ends are written in batches, so more at once means fuller batches.
   */
  WORKER_CONCURRENCY: int(1, 10_000).default(50),
  /** Runs of one namespace at once across every worker, unless the namespace has its own limit; 0: none. */
  NAMESPACE_MAX_CONCURRENCY: int(0, 1_000_000).default(0),
  /** Runs of one namespace started per minute, unless the namespace has its own limit; 0: none. */
  NAMESPACE_MAX_RUNS_PER_MINUTE: int(0, 100_000_000).default(0),
  WORKER_SHUTDOWN_GRACE_MS: int(0, 3_600_000).default(30_000),
  /**
   * How long a BullMQ lock on a running attempt (or a held schedule tick) lasts unless renewed; it is
   * renewed every half of it. A process killed mid-attempt is noticed once its lock has expired, so
   * this bounds recovery. Shorter means more lock renewals in Redis, and an event loop blocked for
   * more than half of it loses the lock: the attempt is then run again elsewhere (at least once).
   */
  WORKER_LOCK_DURATION_MS: int(1000, 3_600_000).default(10_000),
  /**
   * How often BullMQ looks for attempts whose lock has expired and hands them back to the queue. One
   * process per queue does the check each interval; it reads every active job of the queue.
   */
  WORKER_STALLED_INTERVAL_MS: int(500, 3_600_000).default(5_000),
  EXECUTION_RESULT_MAX_BYTES: int(0, 16 * 1024 * 1024).default(64 * 1024),
  /**
   * Largest `details` (and `message`) of a failed attempt's error. Each attempt keeps its own error,
   * so this is paid once per attempt, and smaller than the result's cap.
   */
  EXECUTION_ERROR_MAX_BYTES: int(0, 16 * 1024 * 1024).default(16 * 1024),
  HTTP_HANDLER_MAX_RESPONSE_BYTES: int(0, 64 * 1024 * 1024).default(1024 * 1024),
  /** Internal address ranges the http handler may call nevertheless (by default it calls public addresses only). */
  HTTP_ALLOWED_TARGETS: cidrList.default([]),

  /**
   * Where traces go, as OTLP over HTTP (JSON): the collector's base URL, to which `/v1/traces` is
   * added. Unset: tracing is off, and nothing of the OpenTelemetry SDK is loaded.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** The `service.name` of this process's spans; unset: `meridian-<component>`. */
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(200).optional(),
  /** How long finished spans wait, batched, before they are exported. */
  OTEL_BSP_SCHEDULE_DELAY: int(1, 600_000).default(5000),
});

export type Env = z.infer<typeof envSchema>;

import { randomBytes } from 'node:crypto';

import { type AppName, type AppProcess, freePort, startApp } from './app-process.js';
import { type FaultProxy, proxiedUrl } from './fault-proxy.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { TEST_REDIS_URL } from './test-env.js';
import { deleteRedisPrefix, testRedisPrefix } from './test-redis.js';

export interface TestStack {
  apiUrl: string;
  database: TestDatabase;
  redisPrefix: string;
  /** The environment every app of this stack runs with. */
  env: Record<string, string>;
  apps: Partial<Record<AppName, AppProcess>>;
  /**
   * The base URL of an app's /metrics, /healthz and /readyz: the api's own port, or the scheduler's
   * and worker's METRICS_PORT (a free port of its own for each process the stack starts).
   */
  probeUrl(app: AppProcess): string;
  /** Starts another instance of an app against the same database and Redis prefix. */
  start(name: AppName, extraEnv?: Record<string, string>): Promise<AppProcess>;
  /** Stops every app, drops the database and deletes the Redis keys. */
  stop(): Promise<void>;
}

/** Where the apps of a stack reach Postgres and Redis, when a fault test stands in between. */
export interface StackRoute {
  /** The apps reach Postgres through this proxy; the test itself still reaches it directly. */
  postgres?: FaultProxy;
  /** The Redis the apps use (a private Redis, or a proxied URL) instead of the shared one. */
  redis?: string;
}

/**
 * The whole of Meridian for one test file: api, scheduler and worker as separate processes, on a
 * database and a Redis prefix of their own.
 */
export async function startStack(
  options: { apps?: AppName[]; env?: Record<string, string>; route?: StackRoute } = {},
): Promise<TestStack> {
  const database = await createTestDatabase();
  const redisPrefix = testRedisPrefix();
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL:
      options.route?.postgres === undefined ? database.url : proxiedUrl(database.url, options.route.postgres),
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: options.route?.redis ?? TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    OUTBOX_POLL_INTERVAL_MS: '20',
    WORKER_CONCURRENCY: '5',
    WORKER_SHUTDOWN_GRACE_MS: '5000',
    // The tests' http targets listen on loopback, which the SSRF guard refuses unless allowed.
    HTTP_ALLOWED_TARGETS: '127.0.0.1/32,::1/128',
    // The admin key the tests act with, in namespace `default`.
    // Tests make many requests with one key, and from one address, some of them with bad keys on
    // purpose; the limits have tests of their own.
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    API_NAMESPACE_RATE_LIMIT_PER_MINUTE: '1000000',
    API_AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
    API_ADDRESS_RATE_LIMIT_PER_MINUTE: '0',
    API_BOOTSTRAP_KEY: `bootstrap-${randomBytes(24).toString('hex')}`,
    ...options.env,
  };
  const all: AppProcess[] = [];
  const apps: Partial<Record<AppName, AppProcess>> = {};
  const probePorts = new Map<AppProcess, number>();
  const start = async (name: AppName, extraEnv: Record<string, string> = {}) => {
    // The api serves its probes on its own port; every scheduler and worker on this machine needs a
    // metrics port of its own.
    const probePort = name === 'api' ? port : Number(extraEnv.METRICS_PORT ?? env.METRICS_PORT ?? (await freePort()));
    const app = await startApp(name, {
      ...env,
      ...(name === 'api' ? {} : { METRICS_PORT: String(probePort) }),
      ...extraEnv,
    });
    probePorts.set(app, probePort);
    all.push(app);
    apps[name] ??= app;
    return app;
  };
  try {
    await Promise.all((options.apps ?? ['api', 'scheduler', 'worker']).map((name) => start(name)));
  } catch (error) {
    await Promise.all(all.map((app) => app.stop('SIGKILL')));
    await database.drop();
    throw error;
  }
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    database,
    redisPrefix,
    env,
    apps,
    start,
    probeUrl: (app) => `http://127.0.0.1:${probePorts.get(app) ?? port}`,
    async stop() {
      await Promise.all(all.map((app) => app.stop()));
      await database.drop();
      // A routed Redis may be gone by now (a private one the test stopped, a proxy it closed): then
      // there is nothing left to clean.
      await deleteRedisPrefix(redisPrefix, env.REDIS_URL).catch((error: unknown) => {
        if (options.route?.redis === undefined) {
          throw error;
        }
      });
    },
  };
}

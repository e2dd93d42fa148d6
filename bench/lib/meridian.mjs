// Meridian as the benchmarks run it: api, scheduler and worker(s) as real processes on a fresh
// database cloned from a migrated template and a Redis prefix of their own (the test harness), plus
// an HTTP client for its API and completion polling in its Postgres.
import {
  adminDatabaseUrl,
  createTemplateDatabase,
  REPOSITORY_ROOT,
  startStack,
  templateDatabase,
} from '@meridian/testing/harness';
import pg from 'pg';
import { Agent, request } from 'undici';

import { config } from './config.mjs';
import { onCleanup } from './cleanup.mjs';

/**
 * Every setting the benchmarks give Meridian. The rest are the product's defaults; the harness's own
 * test settings (pool 5, outbox poll 20 ms, concurrency 5, grace 5 s) are put back to them here.
 */
export function stackEnv() {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_POOL_SIZE: '10',
    OUTBOX_POLL_INTERVAL_MS: '50',
    WORKER_SHUTDOWN_GRACE_MS: '30000',
    // The one setting the benchmarks must change: the same concurrency as the baseline and peers.
    WORKER_CONCURRENCY: String(config.concurrency),
    // One key sends every request; the product's 6,000/min would throttle the benchmark itself.
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    // B4 may be asked for more every-second schedules than a tenant's default quota of recurring jobs.
    NAMESPACE_MAX_RECURRING_JOBS: '0',
  };
}

let template = false;

/** Migrates the template database the stacks clone (once per run). */
export async function ensureTemplate() {
  if (!template) {
    template = true;
    // Registered first: a migration that fails leaves the template created and must still drop it.
    onCleanup(dropTemplate);
    // The template's migration runs prisma from the working directory, as Jest's global setup does.
    process.chdir(REPOSITORY_ROOT);
    await createTemplateDatabase();
  }
}

async function dropTemplate() {
  if (process.env.MERIDIAN_TEST_TEMPLATE === undefined) {
    return;
  }
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${templateDatabase()}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The problem a route answered with, as an error carrying the status. */
export class HttpError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path} answered ${status}: ${String(body).slice(0, 300)}`);
    this.status = status;
  }
}

/**
 * A running Meridian: `workers` worker processes, an HTTP client with `connections` sockets, and a
 * Postgres connection for polling. `stop()` ends the processes and drops the database.
 */
export async function startMeridian({ workers = 1, connections = 64, env = {} } = {}) {
  await ensureTemplate();
  const startedAt = Date.now();
  const stack = await startStack({ env: { ...stackEnv(), ...env } });
  const removeCleanup = onCleanup(() => stack.stop());
  const extraWorkers = [];
  try {
    for (let i = 1; i < workers; i += 1) {
      extraWorkers.push(await stack.start('worker'));
    }
  } catch (error) {
    await stack.stop();
    removeCleanup();
    throw error;
  }
  const startSeconds = (Date.now() - startedAt) / 1000;
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const db = new pg.Client({ connectionString: stack.database.url });
  await db.connect();
  const auth = `Bearer ${stack.env.API_BOOTSTRAP_KEY}`;

  async function call(method, path, body, { minimal = true } = {}) {
    const headers = { authorization: auth };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (minimal) {
      headers.prefer = 'return=minimal';
    }
    const response = await request(`${stack.apiUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: agent,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      throw new HttpError(method, path, response.statusCode, text);
    }
    return text === '' ? undefined : JSON.parse(text);
  }

  return {
    stack,
    db,
    call,
    /** The pids of the api, the scheduler and every worker, by name (worker, worker2, ...). */
    pids() {
      const pids = Object.fromEntries(Object.entries(stack.apps).map(([name, app]) => [name, app.child.pid]));
      extraWorkers.forEach((app, index) => (pids[`worker${index + 2}`] = app.child.pid));
      return pids;
    },
    /** Creates one job; answers its id. */
    async createJob(spec) {
      const answer = await call('POST', '/v1/jobs', spec);
      return answer.id;
    },
    /** Creates up to 1000 jobs in one request; answers their ids in request order. */
    async createBatch(specs) {
      const answer = await call('POST', '/v1/jobs/batch', { jobs: specs });
      const items = Array.isArray(answer) ? answer : (answer.jobs ?? answer.items ?? answer.data);
      if (!Array.isArray(items) || items.length !== specs.length) {
        throw new Error(`batch create answered ${JSON.stringify(answer).slice(0, 300)}`);
      }
      return items.map((item) => item.id);
    },
    async countByStatus() {
      const { rows } = await db.query(`SELECT status::text, count(*)::int AS n FROM executions GROUP BY status`);
      return Object.fromEntries(rows.map((row) => [row.status, row.n]));
    },
    async succeeded() {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM executions WHERE status = 'SUCCEEDED'`);
      return rows[0].n;
    },
    extraApps: extraWorkers,
    /** The processes' own output, for a failure message. */
    output() {
      return [...Object.values(stack.apps), ...extraWorkers]
        .map((app) => `--- ${app.name}\n${app.output().slice(-2000)}`)
        .join('\n');
    },
    /** How long the processes took to start, in seconds. */
    startSeconds,
    /** Stops every process (SIGTERM, as a deployment would), drops the database; answers the seconds it took. */
    async stop() {
      const stopping = Date.now();
      await db.end().catch(() => undefined);
      await agent.close().catch(() => undefined);
      await stack.stop();
      removeCleanup();
      return (Date.now() - stopping) / 1000;
    },
  };
}

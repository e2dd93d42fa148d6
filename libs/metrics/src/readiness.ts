import { DatabaseHealthRepository } from '@meridian/db';
import { RedisHealthRepository } from '@meridian/runtime';
import { Injectable } from '@nestjs/common';

export type CheckState = 'up' | 'down';

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckState>;
}

/** A readiness check: resolves (or returns) when the thing it looks at is fine, throws otherwise. */
export type ReadinessCheck = () => Promise<void> | void;

/**
 * How long a dependency may take to answer the probe: one that holds the connection open and says
 * nothing (a stalled network) is as down as one that refuses it.
 */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * Whether this process can do its work: Postgres and Redis answer, plus whatever the process adds
 * (the worker: it is not paused for a database outage). The api's /readyz and the scheduler's and
 * worker's probe port both answer from it.
 */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(database: DatabaseHealthRepository, redis: RedisHealthRepository) {
    this.checks.set('postgres', () => database.ping());
    this.checks.set('redis', () => redis.ping(PROBE_TIMEOUT_MS));
  }

  /** Adds a check under `name`, reported beside postgres and redis. */
  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Runs every check at once, each bounded by {@link PROBE_TIMEOUT_MS}. */
  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await probe(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, state]) => state === 'up') ? 'ok' : 'unavailable', checks };
  }
}

async function probe(check: ReadinessCheck): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckState>((resolve) => {
    timer = setTimeout(() => resolve('down'), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then((): CheckState => 'up'),
      timeout,
    ]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

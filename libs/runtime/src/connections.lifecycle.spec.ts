import { describe, expect, it } from '@jest/globals';
import { JobRepository, type Postgres } from '@meridian/db';
import type { ExecutionQueueGateway, TickQueueGateway } from '@meridian/queue';
import type { Redis } from 'ioredis';

import { ConnectionsLifecycle } from './connections.lifecycle.js';
import type { Repositories } from './repositories.js';

/** The process's connections and queues, each writing to one shared log as it closes. */
function connections(options: { jobsBuilt?: boolean; quitFails?: boolean } = {}) {
  const steps: string[] = [];
  const step = (name: string) => () => {
    steps.push(name);
    return Promise.resolve();
  };
  const postgres = { close: step('postgres closed') };
  const redis = {
    quit: options.quitFails === true ? () => Promise.reject(new Error('connection is closed')) : step('redis quit'),
    disconnect: () => void steps.push('redis disconnected'),
  };
  const jobs = { drain: step('job writes drained') };
  const repositories = {
    ifBuilt: (type: unknown) => (type === JobRepository && options.jobsBuilt !== false ? jobs : undefined),
  };
  const sut = new ConnectionsLifecycle(
    postgres as unknown as Postgres,
    redis as unknown as Redis,
    { close: step('execution queues closed') } as unknown as ExecutionQueueGateway,
    { close: step('tick queue closed') } as unknown as TickQueueGateway,
    repositories as unknown as Repositories,
  );
  return { sut, steps };
}

describe(ConnectionsLifecycle.name, () => {
  it('should close the queues, then wait for job writes, then close Postgres, and Redis last', async () => {
    const { sut, steps } = connections();

    await sut.onApplicationShutdown();

    expect(steps.slice(0, 2).sort()).toEqual(['execution queues closed', 'tick queue closed']);
    expect(steps.slice(2)).toEqual(['job writes drained', 'postgres closed', 'redis quit']);
  });

  it('should drain nothing in a process that never used the job repository', async () => {
    const { sut, steps } = connections({ jobsBuilt: false });

    await sut.onApplicationShutdown();

    expect(steps).not.toContain('job writes drained');
    expect(steps.at(-1)).toBe('redis quit');
  });

  it('should drop the Redis connection when it cannot quit cleanly', async () => {
    const { sut, steps } = connections({ quitFails: true });

    await sut.onApplicationShutdown();

    expect(steps.at(-1)).toBe('redis disconnected');
  });
});

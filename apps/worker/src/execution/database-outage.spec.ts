import { describe, expect, it } from '@jest/globals';
import type { DatabaseHealthRepository } from '@meridian/db';
import type { PinoLogger } from 'nestjs-pino';

import { DatabaseOutage } from './database-outage.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A Postgres health check that fails until `up` is set, counting its probes. */
function aDatabase() {
  const state = { up: false, probes: 0 };
  const database = {
    ping: () => {
      state.probes += 1;
      return state.up ? Promise.resolve() : Promise.reject(refused());
    },
  };
  return { state, database: database as unknown as DatabaseHealthRepository };
}

describe(DatabaseOutage.name, () => {
  it('should announce an outage once, however many deliveries report it, and its end once Postgres answers', async () => {
    const { state, database } = aDatabase();
    const sut = new DatabaseOutage(database, silent as unknown as PinoLogger);
    const changes: boolean[] = [];
    sut.onChange((down) => changes.push(down));

    const reports = Array.from({ length: 50 }, () => sut.report(refused()));
    expect(reports.every(Boolean)).toBe(true);
    expect(sut.down).toBe(true);
    while (state.probes < 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    state.up = true;
    await sut.recovered();

    expect(changes).toEqual([true, false]);
    expect(sut.down).toBe(false);
  });

  it('should leave alone a failure that does not say Postgres is unreachable', () => {
    const sut = new DatabaseOutage(aDatabase().database, silent as unknown as PinoLogger);
    const changes: boolean[] = [];
    sut.onChange((down) => changes.push(down));

    expect(sut.report(new Error('duplicate key value violates unique constraint'))).toBe(false);
    expect(sut.down).toBe(false);
    expect(changes).toEqual([]);
  });

  it('should stop probing on shutdown', async () => {
    const { database } = aDatabase();
    const sut = new DatabaseOutage(database, silent as unknown as PinoLogger);
    sut.report(refused());

    await sut.beforeApplicationShutdown();

    expect(sut.down).toBe(false);
  });
});

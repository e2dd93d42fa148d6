import { describe, expect, it } from '@jest/globals';
import type { MeridianConfig } from '@meridian/config';
import type { OutboxRepository, SqlClient } from '@meridian/db';
import type { ExecutionQueueGateway, TickQueueGateway } from '@meridian/queue';
import type { PinoLogger } from 'nestjs-pino';

import { OutboxRelayService } from './outbox-relay.service.js';

/** An outbox whose relay passes are counted and can be held open. */
function anOutbox() {
  const passes: { release: () => void }[] = [];
  const outbox = {
    relayBatch: () =>
      new Promise((resolve) => {
        passes.push({ release: () => resolve({ claimed: 1, dispatched: 1 }) });
      }),
    relayArmBatch: () => Promise.resolve({ claimed: 0, dispatched: 0 }),
  };
  return { outbox: outbox as unknown as OutboxRepository, passes };
}

const silent = { debug: () => undefined, warn: () => undefined, info: () => undefined, error: () => undefined };
const config = { outbox: { pollIntervalMs: 50, batchSize: 500 } } as MeridianConfig;
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves once `condition` holds (polled every 10 ms). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(OutboxRelayService.name, () => {
  const aService = (outbox: OutboxRepository) =>
    new OutboxRelayService(
      outbox,
      {} as ExecutionQueueGateway,
      {} as TickQueueGateway,
      {} as SqlClient,
      config,
      silent as unknown as PinoLogger,
    );

  it('should run one more pass for all the callers that ask while a pass is under way', async () => {
    const { outbox, passes } = anOutbox();
    const sut = aService(outbox);

    const calls = [sut.relayNow(), ...Array.from({ length: 20 }, () => sut.relayNow())];
    await settle();
    passes[0]?.release();
    await settle();
    passes[1]?.release();
    await Promise.all(calls);

    expect(passes).toHaveLength(2);
  });

  it('should give callers who ask during a pass the next pass, which starts once the first is done', async () => {
    const { outbox, passes } = anOutbox();
    const sut = aService(outbox);
    const first = sut.relayNow();
    await settle();

    let laterDone = false;
    const later = [sut.relayNow(), sut.relayNow()];
    void Promise.all(later).then(() => (laterDone = true));
    expect(passes).toHaveLength(1);
    passes[0]?.release();
    await first;
    await settle();

    expect(passes).toHaveLength(2);
    expect(laterDone).toBe(false);
    passes[1]?.release();
    await Promise.all(later);
    expect(laterDone).toBe(true);
  });

  it('should log an outage once, back off while it lasts, and relay by itself once it ends', async () => {
    const lines: string[] = [];
    const logger = {
      ...silent,
      error: (_: object, message: string) => lines.push(`error: ${message}`),
      info: (_: object, message: string) => lines.push(`info: ${message}`),
    };
    let down = true;
    let tries = 0;
    let relayed = 0;
    const outbox = {
      relayBatch: () => {
        tries += 1;
        if (down) {
          return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
        }
        relayed += 1;
        return Promise.resolve({ claimed: 0, dispatched: 0 });
      },
      relayArmBatch: () => Promise.resolve({ claimed: 0, dispatched: 0 }),
    };
    const sql = { listen: () => Promise.resolve(() => Promise.resolve()) };
    const sut = new OutboxRelayService(
      outbox as unknown as OutboxRepository,
      {} as ExecutionQueueGateway,
      {} as TickQueueGateway,
      sql as unknown as SqlClient,
      config,
      logger as unknown as PinoLogger,
    );
    await sut.onApplicationBootstrap();
    try {
      await until(() => tries >= 4);
      down = false;
      await until(() => relayed >= 1);

      expect(lines.filter((line) => line.startsWith('error'))).toEqual([
        'error: outbox relay failing; retrying with backoff, logged again once it recovers',
      ]);
      expect(lines).toContain('info: outbox relay recovered');
    } finally {
      await sut.beforeApplicationShutdown();
    }
  });

  it('should resolve, not reject, when a pass fails: the loop relays the rows later', async () => {
    const sut = aService({
      relayBatch: () => Promise.reject(new Error('Redis is unreachable')),
      relayArmBatch: () => Promise.resolve({ claimed: 0, dispatched: 0 }),
    } as unknown as OutboxRepository);

    await expect(sut.relayNow()).resolves.toBeUndefined();
  });
});

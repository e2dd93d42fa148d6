import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

/**
 * Notices that Redis lost what Meridian keeps in it: a FLUSHALL, a restart without persistence, or a
 * failover to a server that is not the one written to.
 *
 * A marker key (`<prefix>:meridian:epoch`) holds a random value written once; it is gone after a
 * flush or an empty restart, and a different value means another process saw it gone and wrote a
 * new one. After a reconnect the server's `run_id` is also compared, since a failover keeps the
 * marker (replicated) but may have lost the writes the old server had not passed on yet.
 *
 * Cost: one GET per {@link check}, plus one INFO and one SET NX only after a reconnect or a loss.
 */
export class RedisDataLossDetector {
  private readonly key: string;
  /** The marker's value this process last saw; undefined before the first check. */
  private epoch: string | undefined;
  /** The server's run_id this process last saw. */
  private runId: string | undefined;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:meridian:epoch`;
  }

  /**
   * Whether Redis lost its data since the previous check. The first check reports a loss when the
   * marker is missing (a fresh or emptied Redis), which costs the caller one needless pass on a new
   * deployment and saves it a late one after a loss while no process was watching.
   * `afterReconnect` also compares the server's run_id. Fails when Redis does not answer.
   */
  async check(afterReconnect = false): Promise<boolean> {
    const replaced = afterReconnect && (await this.serverReplaced());
    const seen = await this.redis.get(this.key);
    if (seen === null) {
      const fresh = randomUUID();
      // NX: of several processes that see the marker gone, the first one's value stands.
      await this.redis.set(this.key, fresh, 'NX');
      this.epoch = (await this.redis.get(this.key)) ?? fresh;
      return true;
    }
    const changed = this.epoch !== undefined && seen !== this.epoch;
    this.epoch = seen;
    return changed || replaced;
  }

  private async serverReplaced(): Promise<boolean> {
    const info = await this.redis.info('server');
    const runId = /^run_id:(\w+)/m.exec(info)?.[1];
    const replaced = this.runId !== undefined && runId !== undefined && runId !== this.runId;
    this.runId = runId ?? this.runId;
    return replaced;
  }
}

import { Injectable } from '@nestjs/common';

/** How long a run stays known as lost: far beyond the time a run enqueued again takes to start. */
const REMEMBER_MS = 5 * 60_000;

/**
 * The executions this scheduler found queued in Postgres when Redis lost its data, and enqueued
 * again (it or another replica). Until they start, they are not runs in progress for a recurring
 * job's overlap policy: they never ran, and but for the loss would have ended by now. Held in memory
 * only for a few minutes; the ledger's statement counts them again as soon as they leave QUEUED.
 */
@Injectable()
export class LostRuns {
  private readonly lostAt = new Map<string, number>();

  remember(executionIds: readonly string[], now: number = Date.now()): void {
    for (const id of executionIds) {
      this.lostAt.set(id, now);
    }
  }

  /** The runs lost lately, for the next tick's overlap decision; forgets the older ones. */
  recent(now: number = Date.now()): string[] {
    for (const [id, at] of this.lostAt) {
      if (now - at > REMEMBER_MS) {
        this.lostAt.delete(id);
      }
    }
    return [...this.lostAt.keys()];
  }
}

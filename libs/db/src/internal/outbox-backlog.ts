import type { Statement, StatementRunner } from '../sql-client.js';

/** How many outbox rows wait to be relayed, and since when (null: none). */
export interface OutboxBacklog {
  rows: number;
  oldestCreatedAt: Date | null;
}

/**
 * The outbox's backlog: rows not yet relayed, and the creation time of the oldest (null when
 * empty). No inputs, no locks. Cost: one pass over the outbox, which the relay keeps short.
 */
const BACKLOG: Statement = {
  name: 'meridian_outbox_backlog',
  text: `SELECT count(*)::int AS rows, min(created_at) AS oldest FROM outbox`,
};

/**
 * The outbox's backlog, read with `runner`: what the scheduler's outbox gauges and the api's overview
 * show (OutboxRepository and OverviewRepository, so that the api builds no OutboxRepository).
 */
export async function readOutboxBacklog(runner: StatementRunner): Promise<OutboxBacklog> {
  const [row] = await runner.query<{ rows: number; oldest: Date | null }>(BACKLOG, []);
  return { rows: row?.rows ?? 0, oldestCreatedAt: row?.oldest ?? null };
}

import { type OutboxBacklog, readOutboxBacklog } from './internal/outbox-backlog.js';
import type { SqlClient, Statement } from './sql-client.js';

export type { OutboxBacklog } from './internal/outbox-backlog.js';

/** A window of time cut into buckets of `bucketSeconds`, from `from` (included) to `to` (excluded). */
export interface ActivityWindow {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

/** What ended in one bucket of the window (see {@link OverviewRepository.executionActivity}). */
export interface ActivityBucket {
  /** The bucket's place in the window: 0 starts at `from`. */
  index: number;
  succeeded: number;
  dead: number;
  cancelled: number;
  /** Attempts that failed, timed-out ones included, whether a retry followed or not. */
  failedAttempts: number;
  /** Of those, the attempts that timed out. */
  timedOutAttempts: number;
}

/** Start lateness of the executions whose first attempt started in the window, in milliseconds. */
export interface StartLateness {
  /** How many first attempts were measured; the figures are null when none was. */
  measured: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface ExecutionActivity {
  /** The buckets in which something ended, in order; the others had nothing. */
  buckets: ActivityBucket[];
  lateness: StartLateness;
}

/**
 * What a namespace's executions did in a window: per bucket, the executions that ended SUCCEEDED,
 * DEAD or CANCELLED (by `finished_at`) and the attempts that FAILED or TIMED_OUT (by their
 * `finished_at`), and the start lateness of every first attempt that started in the window (its
 * start minus the execution's `scheduled_for`, at least 0: what the worker observes as
 * meridian_start_lateness_seconds), as percentiles.
 *
 * Inputs: namespace $1, window $2 (from) to $3 (to), bucket length $4 in seconds. Output: one row,
 * `buckets` (JSON, the non-empty buckets) and the lateness figures. Reads only, locks nothing.
 *
 * Which executions it reads: an attempt that ended or started in the window belongs to an execution
 * that ended after the attempt did, so in the window too, or that has not ended. So it reads the
 * namespace's executions that ended in the window, through executions_ended_idx (namespace,
 * finished_at), and those not ended that have begun an attempt, through the partial index of
 * unfinished executions (the reconciler walks the same set each pass). Neither the execution's id
 * nor its created_at bounds the first set (a delayed or retried execution ends long after it was
 * created), and no index names started_at (it moves at every attempt's start, a HOT update).
 *
 * Their attempts: an execution that SUCCEEDED at its first attempt failed none, and its started_at
 * is that attempt's start, so its attempts are not read (the usual case). The others' are read in
 * one probe of the primary key each, aggregated per execution: as a plain join, the planner, which
 * cannot tell how few executions those are, preferred a scan of every attempt.
 *
 * Cost: a row for each execution that ended in the window plus each unfinished one, and the
 * attempts of those that did not succeed at once. It runs with JIT off (NO_JIT): the planner's
 * estimate of the probes crosses jit_above_cost, and compiling took longer than running (0.75 s
 * against 0.3 s, with 25,000 executions ended in a day).
 */
const EXECUTION_ACTIVITY: Statement = {
  name: 'meridian_execution_activity',
  text: `
    WITH ended AS (
      SELECT e.id, e.status, e.attempt, e.started_at, e.finished_at, e.scheduled_for
        FROM executions e
       WHERE e.namespace = $1 AND e.finished_at >= $2 AND e.finished_at < $3
    ), touched AS (
      SELECT id, status, attempt, started_at, scheduled_for FROM ended WHERE attempt > 0
      UNION ALL
      SELECT e.id, e.status, e.attempt, e.started_at, e.scheduled_for
        FROM executions e
       WHERE e.finished_at IS NULL AND e.namespace = $1 AND e.attempt > 0
    ), attempts AS (
      SELECT scheduled_for, started_at AS first_started_at, NULL::timestamptz[] AS failed_at,
             NULL::timestamptz[] AS timed_out_at
        FROM touched
       WHERE attempt = 1 AND status = 'SUCCEEDED'
      UNION ALL
      SELECT t.scheduled_for, x.*
        FROM touched t
        CROSS JOIN LATERAL (
          SELECT min(a.started_at) FILTER (WHERE a.attempt = 1) AS first_started_at,
                 array_agg(a.finished_at) FILTER (WHERE a.outcome = 'FAILED') AS failed_at,
                 array_agg(a.finished_at) FILTER (WHERE a.outcome = 'TIMED_OUT') AS timed_out_at
            FROM execution_attempts a
           WHERE a.execution_id = t.id
        ) x
       WHERE t.attempt > 1 OR t.status <> 'SUCCEEDED'
    ), moments AS (
      SELECT finished_at AS at, status::text AS kind FROM ended WHERE status IN ('SUCCEEDED', 'DEAD', 'CANCELLED')
      UNION ALL
      SELECT f.at, 'FAILED' FROM attempts, unnest(failed_at) f(at) WHERE f.at >= $2 AND f.at < $3
      UNION ALL
      SELECT f.at, 'TIMED_OUT' FROM attempts, unnest(timed_out_at) f(at) WHERE f.at >= $2 AND f.at < $3
    ), lateness AS (
      SELECT GREATEST(0, EXTRACT(EPOCH FROM (first_started_at - scheduled_for)) * 1000) AS ms
        FROM attempts
       WHERE first_started_at >= $2 AND first_started_at < $3
    )
    SELECT b.buckets, l.*
      FROM (
        SELECT COALESCE(json_agg(c ORDER BY c.index), '[]'::json) AS buckets
          FROM (
            SELECT FLOOR(EXTRACT(EPOCH FROM (at - $2)) / $4::int)::int AS index,
                   count(*) FILTER (WHERE kind = 'SUCCEEDED')::int AS "succeeded",
                   count(*) FILTER (WHERE kind = 'DEAD')::int AS "dead",
                   count(*) FILTER (WHERE kind = 'CANCELLED')::int AS "cancelled",
                   count(*) FILTER (WHERE kind IN ('FAILED', 'TIMED_OUT'))::int AS "failedAttempts",
                   count(*) FILTER (WHERE kind = 'TIMED_OUT')::int AS "timedOutAttempts"
              FROM moments GROUP BY 1
          ) c
      ) b, (
        SELECT count(*)::int AS measured,
               ROUND(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::int AS p50_ms,
               ROUND(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::int AS p99_ms,
               ROUND(max(ms))::int AS max_ms
          FROM lateness
      ) l`,
};

/** Turns JIT compilation off until the end of the transaction (see {@link EXECUTION_ACTIVITY}). */
const NO_JIT: Statement = { name: 'meridian_no_jit', text: `SET LOCAL jit = off` };

/**
 * The reads of the overview: what a namespace's executions did over a recent window, and the outbox's
 * backlog (the same read as the scheduler's outbox gauges).
 */
export class OverviewRepository {
  constructor(private readonly sql: SqlClient) {}

  /** See {@link EXECUTION_ACTIVITY}. */
  async executionActivity(namespace: string, window: ActivityWindow): Promise<ExecutionActivity> {
    const [row] = await this.sql.transaction(async (tx) => {
      await tx.query(NO_JIT, []);
      return tx.query<{
        buckets: ActivityBucket[];
        measured: number;
        p50_ms: number | null;
        p99_ms: number | null;
        max_ms: number | null;
      }>(EXECUTION_ACTIVITY, [namespace, window.from, window.to, window.bucketSeconds]);
    });
    return {
      buckets: row?.buckets ?? [],
      lateness: {
        measured: row?.measured ?? 0,
        p50Ms: row?.p50_ms ?? null,
        p99Ms: row?.p99_ms ?? null,
        maxMs: row?.max_ms ?? null,
      },
    };
  }

  /** How many outbox rows wait to be relayed, cluster-wide, and since when (null: none). */
  async outboxBacklog(): Promise<OutboxBacklog> {
    return readOutboxBacklog(this.sql);
  }
}

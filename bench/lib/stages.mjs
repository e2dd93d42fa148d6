// Where an execution's time went, from its own timestamps: relay (created → queued in BullMQ),
// pickup (queued, or due if later, → first attempt started) and run (first attempt started → finished).
import { summarize } from './stats.mjs';

/**
 * p50/p99/max in ms of each stage over every execution with a finished first attempt.
 * Inputs: none. Reads executions and execution_attempts; writes nothing.
 */
export async function executionStages(db) {
  const { rows } = await db.query(
    `SELECT extract(epoch FROM (e.queued_at - e.created_at)) * 1000 AS relay,
            extract(epoch FROM (a.started_at - greatest(e.queued_at, e.scheduled_for))) * 1000 AS pickup,
            extract(epoch FROM (a.finished_at - a.started_at)) * 1000 AS run
       FROM executions e JOIN execution_attempts a ON a.execution_id = e.id AND a.attempt = 1
      WHERE a.finished_at IS NOT NULL`,
  );
  const stage = (key) => summarize(rows.map((r) => Number(r[key])).filter(Number.isFinite));
  return { relay: stage('relay'), pickup: stage('pickup'), run: stage('run') };
}

/**
 * How long a job with dependencies waited after its last dependency finished until it was queued
 * (p50/p99/max in ms). Inputs: none. Reads executions and job_dependencies; writes nothing.
 */
export async function dependencyRelease(db) {
  const { rows } = await db.query(
    `SELECT extract(epoch FROM (e.queued_at - max(p.finished_at))) * 1000 AS ms
       FROM executions e
       JOIN job_dependencies d ON d.job_id = e.job_id
       JOIN executions p ON p.job_id = d.depends_on_job_id
      WHERE e.queued_at IS NOT NULL
      GROUP BY e.id, e.queued_at`,
  );
  return summarize(rows.map((r) => Number(r.ms)).filter(Number.isFinite));
}

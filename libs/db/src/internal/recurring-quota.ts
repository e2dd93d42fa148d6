import type { Statement, StatementRunner } from '../sql-client.js';
import type { NewJob } from './job-insert.js';

/**
 * Serialises the recurring creates of each namespace $1 (sorted, so that two transactions never
 * wait on each other's locks in opposite orders) until the transaction ends. Inputs: namespaces.
 * Output: none. Locks: one transaction-scoped advisory lock per namespace; one-off creates never
 * take it. Its own statement, before the count: a statement that waited for the lock must not count
 * with a snapshot taken before the wait, or two creates at quota − 1 would both see room.
 */
const LOCK_RECURRING_QUOTAS: Statement = {
  name: 'meridian_lock_recurring_quotas',
  text: `
    SELECT pg_advisory_xact_lock(hashtextextended('meridian.recurring_jobs:' || name, 0))
      FROM (SELECT DISTINCT name FROM unnest($1::text[]) AS n(name) ORDER BY name) AS namespaces`,
};

/**
 * Each namespace's quota of recurring jobs and how much of it is used. Inputs: namespaces ($1),
 * the configured default quota ($2, 0: none). Output: per namespace, the quota (null: none) and its
 * recurring jobs that are active or paused. Reads through jobs_recurring_namespace_idx; counts
 * nothing for a namespace without a quota. Read-only; run under LOCK_RECURRING_QUOTAS.
 */
const RECURRING_QUOTAS: Statement = {
  name: 'meridian_recurring_quotas',
  text: `
    SELECT q.name AS namespace, q.quota,
           CASE WHEN q.quota IS NULL THEN 0
                ELSE (SELECT count(*) FROM jobs j
                       WHERE j.namespace = q.name AND j.schedule IS NOT NULL
                         AND j.schedule_state IS DISTINCT FROM 'COMPLETED')
           END::int AS used
      FROM (SELECT n.name, COALESCE(ns.max_recurring_jobs, NULLIF($2::int, 0)) AS quota
              FROM unnest($1::text[]) AS n(name)
              LEFT JOIN namespaces ns ON ns.name = n.name) AS q`,
};

/** A recurring job that the quota refused: its namespace and the quota it would exceed. */
export interface QuotaRefusal {
  quotaExceeded: { namespace: string; quota: number };
}

/** Whether `job` takes a place in its namespace's quota: a recurring job with occurrences to come. */
export function countsAgainstQuota(job: NewJob): boolean {
  return job.kind === 'recurring' && job.firstRunAt !== null;
}

/**
 * Locks the quotas of the namespaces of `jobs` and tells, in input order, which jobs fit (null) and
 * which would exceed their namespace's quota; earlier jobs take the room first. Must run inside the
 * transaction that then inserts the jobs that fit, so that the count holds until they are committed.
 */
export async function allotRecurringQuota(
  runner: StatementRunner,
  jobs: readonly NewJob[],
  defaultQuota: number,
): Promise<(QuotaRefusal | null)[]> {
  const namespaces = [...new Set(jobs.filter(countsAgainstQuota).map((job) => job.namespace))];
  if (namespaces.length === 0) {
    return jobs.map(() => null);
  }
  await runner.query(LOCK_RECURRING_QUOTAS, [namespaces]);
  const rows = await runner.query<{ namespace: string; quota: number | null; used: number }>(RECURRING_QUOTAS, [
    namespaces,
    defaultQuota,
  ]);
  const room = new Map(rows.map((row) => [row.namespace, row]));
  return jobs.map((job) => {
    const quota = room.get(job.namespace);
    if (!countsAgainstQuota(job) || quota === undefined || quota.quota === null) {
      return null;
    }
    if (quota.used >= quota.quota) {
      return { quotaExceeded: { namespace: job.namespace, quota: quota.quota } };
    }
    quota.used += 1;
    return null;
  });
}

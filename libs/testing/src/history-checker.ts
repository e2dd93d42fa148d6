import { expect } from '@jest/globals';
import pg from 'pg';

import { waitFor } from './wait-for.js';

export interface HistoryCounts {
  jobs: number;
  executions: number;
  /** Executions by status. */
  byStatus: Record<string, number>;
  attempts: number;
  /** Attempts by outcome. */
  byOutcome: Record<string, number>;
}

export interface HistoryReport {
  /** One line per broken invariant, naming the rows; empty for a clean history. */
  violations: string[];
  counts: HistoryCounts;
}

const UNFINISHED = `'{PENDING,QUEUED,RUNNING,RETRYING}'::"ExecutionStatus"[]`;

/**
 * The invariants every history must keep, whatever fault it went through, once the system is quiet.
 * Each query returns the offending rows as one text line each.
 */
const INVARIANTS: { name: string; sql: string }[] = [
  {
    name: 'an acknowledged create is missing',
    sql: `SELECT a.id::text AS line FROM unnest($1::uuid[]) AS a(id) WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = a.id)`,
  },
  {
    name: 'an execution did not end',
    sql: `SELECT e.id || ' ' || e.status AS line FROM executions e WHERE e.status = ANY(${UNFINISHED})`,
  },
  {
    name: 'an attempt is still RUNNING',
    sql: `SELECT a.execution_id || ' #' || a.attempt AS line FROM execution_attempts a WHERE a.outcome = 'RUNNING'`,
  },
  {
    name: 'an execution succeeded more than once',
    sql: `SELECT a.execution_id || ' x' || count(*) AS line FROM execution_attempts a
           WHERE a.outcome = 'SUCCEEDED' GROUP BY a.execution_id HAVING count(*) > 1`,
  },
  {
    name: 'attempts are not numbered 1..n',
    sql: `SELECT a.execution_id || ' ' || string_agg(a.attempt::text, ',' ORDER BY a.attempt) AS line
            FROM execution_attempts a GROUP BY a.execution_id
          HAVING min(a.attempt) <> 1 OR max(a.attempt) <> count(*)`,
  },
  {
    name: 'a job has two executions for one nominal time',
    sql: `SELECT e.job_id || ' @' || e.nominal_time || ' x' || count(*) AS line FROM executions e
           WHERE e.nominal_time IS NOT NULL GROUP BY e.job_id, e.nominal_time HAVING count(*) > 1`,
  },
  {
    name: 'a one-off job has no execution',
    sql: `SELECT 'job ' || j.id AS line FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM executions e WHERE e.job_id = j.id)
            AND j.schedule_state IS NULL`,
  },
  // A dependent is released exactly once when its count of dependencies still to end is what its
  // dependencies' latest executions say: each dependency whose latest execution is unfinished, or
  // ended but not yet counted (dependents_notified), is still owed. A count below that means an end
  // was counted twice (released early), above it an end was never counted; and a BLOCKED execution
  // whose job owes nothing was never released. The same formula rebuilds the count on a rerun.
  {
    name: 'a dependent job was counted down wrongly',
    sql: `SELECT c.id || ' remaining ' || c.dependencies_remaining || ' expected ' || owed.n AS line
            FROM jobs c
            JOIN LATERAL (
              SELECT count(*) FILTER (WHERE p.status = ANY(${UNFINISHED}) OR p.status = 'BLOCKED' OR NOT p.dependents_notified) AS n
                FROM job_dependencies d
                JOIN LATERAL (SELECT x.status, x.dependents_notified FROM executions x
                               WHERE x.job_id = d.depends_on_job_id ORDER BY x.id DESC LIMIT 1) p ON true
               WHERE d.job_id = c.id) owed ON true
           WHERE EXISTS (SELECT 1 FROM job_dependencies d WHERE d.job_id = c.id) AND c.dependencies_remaining <> owed.n`,
  },
  {
    name: 'an ended execution is still parked',
    sql: `SELECT e.id || ' ' || e.status AS line FROM executions e
           WHERE e.parked_at IS NOT NULL AND NOT (e.status = ANY(${UNFINISHED}))`,
  },
  {
    name: 'a child job outlived its parent',
    sql: `SELECT c.id || ' ' || c.status || ' under ' || p.id || ' ' || p.status AS line
            FROM executions c JOIN jobs j ON j.id = c.job_id JOIN executions p ON p.id = j.parent_execution_id
           WHERE c.status = ANY(${UNFINISHED}) AND NOT (p.status = ANY(${UNFINISHED}))
             AND c.created_at <= p.finished_at`,
  },
  {
    name: 'a BLOCKED execution was never released',
    sql: `SELECT e.id AS line FROM executions e JOIN jobs j ON j.id = e.job_id
           WHERE e.status = 'BLOCKED' AND j.dependencies_remaining = 0`,
  },
];

/**
 * Checks a database's history against the invariants every fault must leave intact: every
 * acknowledged create exists; every execution has ended; at most one SUCCEEDED attempt per execution;
 * attempts numbered 1..n without gaps; one execution per (job, nominal time); every dependent
 * released exactly once; no ended execution still parked; no child unfinished under an ended
 * parent. Read-only; call it once the system is quiet ({@link expectCleanHistory}
 * waits for that).
 */
export async function checkHistory(
  databaseUrl: string,
  options: { acknowledgedJobIds?: readonly string[] } = {},
): Promise<HistoryReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const violations: string[] = [];
    for (const invariant of INVARIANTS) {
      const params = invariant.sql.includes('$1') ? [options.acknowledgedJobIds ?? []] : [];
      const { rows } = await client.query<{ line: string }>(`${invariant.sql} LIMIT 20`, params);
      violations.push(...rows.map((row) => `${invariant.name}: ${row.line}`));
    }
    const tally = async (sql: string) =>
      Object.fromEntries(
        (await client.query<{ key: string; n: number }>(sql)).rows.map((row) => [row.key, Number(row.n)]),
      ) as Record<string, number>;
    const byStatus = await tally(`SELECT status AS key, count(*) AS n FROM executions GROUP BY status`);
    const byOutcome = await tally(`SELECT outcome AS key, count(*) AS n FROM execution_attempts GROUP BY outcome`);
    const { rows } = await client.query<{ jobs: string }>(`SELECT count(*) AS jobs FROM jobs`);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);
    return {
      violations,
      counts: {
        jobs: Number(rows[0]?.jobs ?? 0),
        executions: sum(byStatus),
        byStatus,
        attempts: sum(byOutcome),
        byOutcome,
      },
    };
  } finally {
    await client.end();
  }
}

/**
 * Waits until no execution is unfinished and no attempt running (or the deadline passes; what is
 * still unfinished then is a violation), then asserts that
 * {@link checkHistory} finds nothing wrong. Returns the report, for the scenario to print.
 */
export async function expectCleanHistory(
  databaseUrl: string,
  options: { acknowledgedJobIds?: readonly string[]; timeoutMs?: number } = {},
): Promise<HistoryReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await waitFor(
      async () => {
        const { rows } = await client.query<{ busy: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM executions WHERE status = ANY(${UNFINISHED}))
               OR EXISTS (SELECT 1 FROM execution_attempts WHERE outcome = 'RUNNING') AS busy`,
        );
        return rows[0]?.busy === false ? true : undefined;
      },
      { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 250, what: 'every execution to end' },
    ).catch(() => undefined);
  } finally {
    await client.end();
  }
  const report = await checkHistory(databaseUrl, options);
  expect(report.violations).toEqual([]);
  return report;
}

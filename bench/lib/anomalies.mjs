// What a Meridian run left behind that a clean run would not: executions in another state than the
// one expected, attempts beyond the first, and warnings or errors in the processes' logs.

/** Counts pino log lines at warn (40) or above in `output`, with up to three distinct messages. */
function logProblems(output) {
  let count = 0;
  const samples = new Map();
  for (const line of output.split('\n')) {
    const level = /"level":(\d+)/.exec(line);
    if (level && Number(level[1]) >= 40) {
      count += 1;
      const msg = /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line.slice(0, 200);
      const error = /"(?:err|error)":\{[^}]*?"message":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
      const key = error ? `${msg}: ${error}` : msg;
      if (samples.size < 3 || samples.has(key)) {
        samples.set(key, (samples.get(key) ?? 0) + 1);
      }
    } else if (!line.startsWith('{') && /error|exception|unhandled/i.test(line)) {
      count += 1;
      if (samples.size < 3) {
        samples.set(line.slice(0, 200), (samples.get(line.slice(0, 200)) ?? 0) + 1);
      }
    }
  }
  return { count, samples: Object.fromEntries(samples) };
}

/** Anomalies of a Meridian stack after a run in which every execution should be SUCCEEDED. */
export async function meridianAnomalies(meridian) {
  const byStatus = await meridian.countByStatus();
  const { rows } = await meridian.db.query(
    `SELECT count(*) FILTER (WHERE attempt > 1)::int AS "retriedExecutions",
            (SELECT count(*)::int FROM execution_attempts WHERE outcome <> 'SUCCEEDED') AS "unsuccessfulAttempts"
       FROM executions`,
  );
  // Attempts that did not succeed, by their outcome and their execution's status (an attempt still
  // RUNNING under a RUNNING execution is only a run in progress).
  const { rows: attempts } = await meridian.db.query(
    `SELECT a.outcome::text || ' attempt of a ' || e.status::text || ' execution' AS kind, count(*)::int AS n
       FROM execution_attempts a JOIN executions e ON e.id = a.execution_id
      WHERE a.outcome <> 'SUCCEEDED' GROUP BY 1`,
  );
  const logs = {};
  for (const app of [...Object.values(meridian.stack.apps), ...meridian.extraApps]) {
    const problems = logProblems(app.output());
    if (problems.count > 0) {
      logs[`${app.name}:${app.child.pid}`] = problems;
    }
  }
  const notSucceeded = Object.entries(byStatus).filter(([status]) => status !== 'SUCCEEDED');
  return {
    notSucceeded: Object.fromEntries(notSucceeded),
    ...rows[0],
    unsuccessfulAttemptsByKind: Object.fromEntries(attempts.map((row) => [row.kind, row.n])),
    logProblems: logs,
  };
}

/** Whether `anomalies` holds anything worth a line in the report. */
export function hasAnomalies(anomalies) {
  return (
    Object.keys(anomalies.notSucceeded).length > 0 ||
    anomalies.retriedExecutions > 0 ||
    anomalies.unsuccessfulAttempts > 0 ||
    Object.keys(anomalies.logProblems).length > 0
  );
}

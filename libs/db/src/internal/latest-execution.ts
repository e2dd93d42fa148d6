/**
 * The latest execution of a job, as a LATERAL subquery: `JOIN LATERAL ${latestExecutionOf('j.id')} e
 * ON true`. Every read of "how did this job's latest run end" goes through here, so they all agree
 * on what "latest" is: the highest id (UUIDv7, so the newest).
 *
 * Inputs: `jobId`, an SQL expression naming the job (a column of the outer query); `columns`, the
 * select list over the executions alias `x` (default all of them). Output: at most one row.
 * Served by the (job_id, id) index, one probe per job. Reads only, locks nothing.
 */
export const latestExecutionOf = (jobId: string, columns = '*') =>
  `(SELECT ${columns} FROM executions x WHERE x.job_id = ${jobId} ORDER BY x.id DESC LIMIT 1)`;

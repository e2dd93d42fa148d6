import type { Execution, Job } from '../../generated/client/index.js';
import type { JobWithLatestExecution } from '../records.js';
import type { Statement, StatementRunner } from '../sql-client.js';
import { latestExecutionOf } from './latest-execution.js';
import { EXECUTION_SELECT, fieldsWithPrefix, JOB_SELECT, toExecutionRecord, toJobRecord } from './mappers.js';

/**
 * The jobs $1 of namespace $2, each with its latest execution (columns prefixed `e.`, all null when
 * it has none). The read of every job route and of a batch replay; served by the primary key and
 * the (job_id, id) index. Reads only.
 */
const FIND_JOBS_WITH_LATEST_EXECUTION: Statement = {
  name: 'meridian_find_jobs_with_latest_execution',
  text: `
    SELECT ${JOB_SELECT('j')}, ${EXECUTION_SELECT('e', 'e.')}
      FROM jobs j
      LEFT JOIN LATERAL ${latestExecutionOf('j.id')} e ON true
     WHERE j.id = ANY($1::uuid[]) AND j.namespace = $2`,
};

/**
 * Jobs of `namespace` by id, each with its latest execution, in the order of `ids`, read with
 * `runner`: the pool, or the transaction of a change that records the job as it left it.
 */
export async function findJobsWithLatestExecution(
  runner: StatementRunner,
  namespace: string,
  ids: readonly string[],
): Promise<JobWithLatestExecution[]> {
  const rows = await runner.query<Record<string, unknown>>(FIND_JOBS_WITH_LATEST_EXECUTION, [ids, namespace]);
  const byId = new Map(
    rows.map((row) => {
      const execution = fieldsWithPrefix(row, 'e.');
      const found = {
        job: toJobRecord(row as unknown as Job),
        latestExecution: execution.id === null ? null : toExecutionRecord(execution as unknown as Execution),
      };
      return [found.job.id, found];
    }),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

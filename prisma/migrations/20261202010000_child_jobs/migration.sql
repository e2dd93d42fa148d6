-- Child jobs (issue 16, docs/decisions/0019-child-jobs.md): a running handler starts jobs of its own
-- (ctx.children.start) and its attempt waits for them without holding a worker slot.
--
-- A child is a row of `jobs` with its parent job, the execution of the parent that started it, the
-- name of the step that started it, its index there and the policy for a failed child. These
-- columns are written by the insert and never move, so indexing them keeps the updates of decision
-- record 0006 HOT. Both indexes are partial (WHERE parent_execution_id IS NOT NULL): a job that is
-- not a child writes no entry into them, so the create path of other jobs pays nothing. The unique
-- one makes starting the children of a step idempotent per parent execution (ON CONFLICT DO NOTHING
-- in the job insert takes every unique index as an arbiter) and serves the cascade of the foreign
-- key to executions. The other lists the children of a job by id (GET /v1/jobs/{id}/children) and
-- serves the cascade from jobs.
--
-- `executions.parked_at` is set while a running attempt waits for its children. No index names it,
-- as the moves of an attempt set and clear it. Nullable columns without defaults rewrite nothing.
--
-- (No semicolon or apostrophe in these comments: the migration engine splits statements on them.)

CREATE TYPE "ChildFailurePolicy" AS ENUM ('FAIL_PARENT', 'IGNORE_FAILED', 'PARTIAL');

ALTER TABLE "jobs" ADD COLUMN "parent_job_id" UUID,
ADD COLUMN "parent_execution_id" UUID,
ADD COLUMN "child_step" TEXT,
ADD COLUMN "child_index" INTEGER,
ADD COLUMN "child_failure_policy" "ChildFailurePolicy";

ALTER TABLE "executions" ADD COLUMN "parked_at" TIMESTAMPTZ(3);

CREATE UNIQUE INDEX "jobs_parent_execution_step_index_key" ON "jobs"("parent_execution_id", "child_step", "child_index")
  WHERE "parent_execution_id" IS NOT NULL;
CREATE INDEX "jobs_parent_job_id_id_idx" ON "jobs"("parent_job_id", "id") WHERE "parent_execution_id" IS NOT NULL;

-- Deleting a parent job deletes its executions and so its children (and theirs, recursively).
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_parent_job_id_fkey" FOREIGN KEY ("parent_job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_parent_execution_id_fkey" FOREIGN KEY ("parent_execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

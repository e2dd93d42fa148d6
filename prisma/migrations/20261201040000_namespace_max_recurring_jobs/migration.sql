-- A namespace's own quota of recurring jobs, set by operators (null: NAMESPACE_MAX_RECURRING_JOBS).
ALTER TABLE "namespaces" ADD COLUMN "max_recurring_jobs" INTEGER;

-- The quota check counts a namespace's recurring jobs. The index holds recurring jobs only (a one-off
-- job's insert writes no entry) and names no column that an execution's move or a tick changes
-- (schedule changes only on PATCH), so the updates of decision record 0006 stay HOT. Building it
-- holds off writes to jobs for as long as one pass over the table takes, as the indexes of 0006 did.
CREATE INDEX "jobs_recurring_namespace_idx" ON "jobs"("namespace") WHERE "schedule" IS NOT NULL;

-- Execution state changes become HOT updates (heap-only tuples: no index entry written).
-- A job's row is updated at every move of its latest execution (the status mirror) and at every
-- tick of a recurring job, and an execution's row at every move. Postgres writes such an update into
-- no index only when no indexed column changes and the page has room. So no index of these two
-- tables names a column that those moves change (status, next_run_at, schedule_state), and each
-- leaves room on its pages. See docs/decisions/0006-hot-updates.md.

DROP INDEX "jobs_namespace_status_id_idx";
DROP INDEX "jobs_schedule_state_next_run_at_idx";
DROP INDEX "executions_status_scheduled_for_idx";

-- The reconciler's re-arming of ticks: recurring jobs by id. `schedule` changes only on PATCH.
CREATE INDEX "jobs_recurring_id_idx" ON "jobs"("id") WHERE "schedule" IS NOT NULL;

-- The reconciler's check of live executions: unfinished ones by id. `finished_at` is set once, when
-- an execution ends.
CREATE INDEX "executions_unfinished_id_idx" ON "executions"("id") WHERE "finished_at" IS NULL;

ALTER TABLE "jobs" SET (fillfactor = 50);
ALTER TABLE "executions" SET (fillfactor = 40);
ALTER TABLE "execution_attempts" SET (fillfactor = 80);

-- The relay claims outbox rows in this order (the rows that failed least, then the oldest). Without
-- an index for it, each claim joined and sorted the whole backlog: its cost grew with the backlog.
CREATE INDEX "outbox_enqueue_order_idx" ON "outbox"("attempts", "id") WHERE "kind" = 'ENQUEUE_EXECUTION';
CREATE INDEX "outbox_arm_id_idx" ON "outbox"("id") WHERE "kind" = 'ARM_SCHEDULE';

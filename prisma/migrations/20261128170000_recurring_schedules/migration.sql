-- CreateEnum
CREATE TYPE "ScheduleState" AS ENUM ('ACTIVE', 'COMPLETED');

-- CreateEnum
CREATE TYPE "OccurrenceOutcome" AS ENUM ('ENQUEUED', 'SKIPPED_OVERLAP', 'MISSED_DOWNTIME');

-- CreateEnum
CREATE TYPE "OverlapPolicy" AS ENUM ('ALLOW', 'SKIP');

-- CreateEnum
CREATE TYPE "CatchUpPolicy" AS ENUM ('SKIP', 'LATEST', 'ALL');

-- AlterEnum
ALTER TYPE "OutboxKind" ADD VALUE 'ARM_SCHEDULE';

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "catch_up_policy" "CatchUpPolicy",
ADD COLUMN     "catch_up_window_ms" INTEGER,
ADD COLUMN     "next_run_at" TIMESTAMPTZ(3),
ADD COLUMN     "occurrence_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "overlap_policy" "OverlapPolicy",
ADD COLUMN     "schedule" JSONB,
ADD COLUMN     "schedule_state" "ScheduleState";

-- AlterTable
ALTER TABLE "executions" ADD COLUMN     "nominal_time" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "job_id" UUID,
ALTER COLUMN "execution_id" DROP NOT NULL;

-- CreateTable
CREATE TABLE "occurrences" (
    "job_id" UUID NOT NULL,
    "nominal_time" TIMESTAMPTZ(3) NOT NULL,
    "outcome" "OccurrenceOutcome" NOT NULL,
    "execution_id" UUID,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "occurrences_pkey" PRIMARY KEY ("job_id","nominal_time")
);

-- CreateIndex
CREATE INDEX "jobs_schedule_state_next_run_at_idx" ON "jobs"("schedule_state", "next_run_at");

-- CreateIndex
CREATE INDEX "outbox_job_id_idx" ON "outbox"("job_id");

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "occurrences" ADD CONSTRAINT "occurrences_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;


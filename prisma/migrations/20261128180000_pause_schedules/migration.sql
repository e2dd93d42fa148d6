-- AlterEnum
ALTER TYPE "ScheduleState" ADD VALUE 'PAUSED';

-- AlterEnum
ALTER TYPE "OccurrenceOutcome" ADD VALUE 'PAUSED';

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "pause_note" TEXT,
ADD COLUMN     "paused_until" TIMESTAMPTZ(3);


-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "OccurrenceOutcome" ADD VALUE 'BUFFERED';
ALTER TYPE "OccurrenceOutcome" ADD VALUE 'BACKFILLED';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "OverlapPolicy" ADD VALUE 'BUFFER_ONE';
ALTER TYPE "OverlapPolicy" ADD VALUE 'BUFFER_ALL';
ALTER TYPE "OverlapPolicy" ADD VALUE 'CANCEL_PREVIOUS';

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "catch_up_max" INTEGER;

-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "after_previous" BOOLEAN NOT NULL DEFAULT false;


-- AlterTable
ALTER TABLE "namespaces" ADD COLUMN     "max_concurrency" INTEGER,
ADD COLUMN     "max_runs_per_minute" INTEGER;


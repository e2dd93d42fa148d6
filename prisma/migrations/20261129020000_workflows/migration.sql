-- CreateEnum
CREATE TYPE "DependencyFailurePolicy" AS ENUM ('SKIP', 'CONTINUE', 'FAIL_WORKFLOW');

-- AlterEnum
ALTER TYPE "ExecutionStatus" ADD VALUE 'BLOCKED';

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "dependencies_remaining" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "workflow_id" UUID,
ADD COLUMN     "workflow_key" TEXT;

-- AlterTable
ALTER TABLE "executions" ADD COLUMN     "dependents_notified" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "workflows" (
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "failure_policy" "DependencyFailurePolicy" NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workflows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_dependencies" (
    "job_id" UUID NOT NULL,
    "depends_on_job_id" UUID NOT NULL,
    "on_failure" "DependencyFailurePolicy" NOT NULL,

    CONSTRAINT "job_dependencies_pkey" PRIMARY KEY ("job_id","depends_on_job_id")
);

-- CreateIndex
CREATE INDEX "workflows_namespace_id_idx" ON "workflows"("namespace", "id");

-- CreateIndex
CREATE INDEX "job_dependencies_depends_on_job_id_idx" ON "job_dependencies"("depends_on_job_id");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_workflow_id_workflow_key_key" ON "jobs"("workflow_id", "workflow_key");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_dependencies" ADD CONSTRAINT "job_dependencies_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_dependencies" ADD CONSTRAINT "job_dependencies_depends_on_job_id_fkey" FOREIGN KEY ("depends_on_job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;


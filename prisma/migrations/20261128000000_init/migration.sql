-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('PENDING', 'QUEUED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "AttemptOutcome" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'INTERRUPTED');

-- CreateEnum
CREATE TYPE "BackoffType" AS ENUM ('EXPONENTIAL', 'FIXED');

-- CreateEnum
CREATE TYPE "OutboxKind" AS ENUM ('ENQUEUE_EXECUTION');

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "queue" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "run_at" TIMESTAMPTZ(3),
    "max_attempts" INTEGER NOT NULL,
    "backoff_type" "BackoffType" NOT NULL,
    "backoff_delay_ms" INTEGER NOT NULL,
    "backoff_max_delay_ms" INTEGER NOT NULL,
    "backoff_jitter" DOUBLE PRECISION NOT NULL,
    "timeout_ms" INTEGER NOT NULL,
    "idempotency_key" TEXT,
    "request_hash" TEXT,
    "status" "ExecutionStatus" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "executions" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT 'default',
    "status" "ExecutionStatus" NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
    "queued_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    "worker_id" TEXT,
    "result" JSONB,
    "last_error" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "execution_attempts" (
    "execution_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" "AttemptOutcome" NOT NULL,
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "error" JSONB,
    "retry_delay_ms" INTEGER,

    CONSTRAINT "execution_attempts_pkey" PRIMARY KEY ("execution_id","attempt")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "kind" "OutboxKind" NOT NULL,
    "execution_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "jobs_namespace_id_idx" ON "jobs"("namespace", "id");

-- CreateIndex
CREATE INDEX "jobs_namespace_status_id_idx" ON "jobs"("namespace", "status", "id");

-- CreateIndex
CREATE INDEX "jobs_namespace_name_id_idx" ON "jobs"("namespace", "name", "id");

-- CreateIndex
CREATE INDEX "jobs_namespace_queue_id_idx" ON "jobs"("namespace", "queue", "id");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_namespace_idempotency_key_key" ON "jobs"("namespace", "idempotency_key");

-- CreateIndex
CREATE INDEX "executions_job_id_id_idx" ON "executions"("job_id", "id");

-- CreateIndex
CREATE INDEX "executions_status_scheduled_for_idx" ON "executions"("status", "scheduled_for");

-- CreateIndex
CREATE INDEX "outbox_execution_id_idx" ON "outbox"("execution_id");

-- AddForeignKey
ALTER TABLE "executions" ADD CONSTRAINT "executions_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_attempts" ADD CONSTRAINT "execution_attempts_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;


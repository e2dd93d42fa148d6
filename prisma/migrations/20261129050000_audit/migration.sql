-- CreateTable
CREATE TABLE "audit_entries" (
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL,
    "actor_key_id" TEXT NOT NULL,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_entries_namespace_id_idx" ON "audit_entries"("namespace", "id");

-- CreateIndex
CREATE INDEX "audit_entries_namespace_target_id_id_idx" ON "audit_entries"("namespace", "target_id", "id");


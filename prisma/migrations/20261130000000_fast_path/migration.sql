-- CreateTable
CREATE TABLE "job_batches" (
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "job_ids" UUID[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_batches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "job_batches_namespace_idempotency_key_key" ON "job_batches"("namespace", "idempotency_key");


-- The outbox relay LISTENs on this channel and relays at once instead of waiting for its next poll.
-- One notification per inserting statement (NOTIFY folds repeats within a transaction), whichever
-- path wrote the rows: creates, ticks, workflow releases.
-- The body is an escape string with \073 for each semicolon: the migration runner (the pg driver
-- adapter's executeScript) splits a script on every semicolon, quoted or not.
CREATE FUNCTION meridian_notify_outbox() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(\'meridian_outbox\', \'\')\073 RETURN NULL\073 END'
;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION meridian_notify_outbox();

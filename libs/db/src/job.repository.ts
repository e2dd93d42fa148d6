import {
  assertStorableJson,
  type CatchUpPolicy,
  ExecutionStatus,
  type ExecutionStatus as Status,
  type JobSpec,
  type OverlapPolicy,
} from '@meridian/domain';

import { toJobRecord } from './mappers.js';
import { decodeCursor, toPage } from './pagination.js';
import type { Database } from './prisma-client.factory.js';
import { type ExecutionRecord, type JobRecord, type Page, storedRecurrencePolicies } from './records.js';

export interface NewJob {
  jobId: string;
  executionId: string;
  namespace: string;
  spec: JobSpec;
  idempotencyKey: string | null;
  requestHash: string | null;
}

/** A recurring job: its validated schedule request, policies and first nominal time. */
export interface NewRecurringJob {
  jobId: string;
  namespace: string;
  spec: JobSpec;
  schedule: unknown;
  firstRunAt: Date | null;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export type CreateJobResult =
  { created: true; job: JobRecord; execution: ExecutionRecord } | { created: false; reason: 'idempotency_key_taken' };

export interface JobFilter {
  namespace: string;
  status?: Status;
  name?: string;
  queue?: string;
  cursor?: string;
  limit: number;
}

export class JobRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a job, its first execution (PENDING) and the outbox row that gets it to BullMQ.
   *
   * One statement, so one round trip and atomic without an explicit transaction: the create path
   * is the API's hot path. Inputs: ids made by the caller, the validated spec, the clock.
   * Output: the stored rows, or `created: false` when the idempotency key is already taken in this
   * namespace (ON CONFLICT DO NOTHING on the unique key; a racing twin loses here, not with an error).
   */
  async createWithFirstExecution(input: NewJob, now: Date = new Date()): Promise<CreateJobResult> {
    const { spec } = input;
    assertStorableJson(spec.payload, 'payload');
    const payload = JSON.stringify(spec.payload ?? null);
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      WITH job AS (
        INSERT INTO jobs (id, namespace, name, handler, payload, queue, priority, run_at, max_attempts,
                          backoff_type, backoff_delay_ms, backoff_max_delay_ms, backoff_jitter, timeout_ms,
                          idempotency_key, request_hash, status, created_at, updated_at)
        VALUES (${input.jobId}::uuid, ${input.namespace}, ${spec.name}, ${spec.handler}, ${payload}::jsonb,
                ${spec.queue}, ${spec.priority}, ${spec.runAt}::timestamptz, ${spec.retry.maxAttempts},
                ${spec.retry.backoffType}::"BackoffType", ${spec.retry.backoffDelayMs},
                ${spec.retry.backoffMaxDelayMs}, ${spec.retry.backoffJitter}, ${spec.timeoutMs},
                ${input.idempotencyKey}, ${input.requestHash}, 'PENDING', ${now}, ${now})
        ON CONFLICT (namespace, idempotency_key) DO NOTHING
        RETURNING id
      ), execution AS (
        INSERT INTO executions (id, job_id, namespace, status, scheduled_for, created_at, updated_at)
        SELECT ${input.executionId}::uuid, id, ${input.namespace}, 'PENDING', ${spec.scheduledFor}, ${now}, ${now}
          FROM job
        RETURNING id
      ), outbox_row AS (
        INSERT INTO outbox (kind, execution_id, created_at) SELECT 'ENQUEUE_EXECUTION', id, ${now} FROM execution
      )
      SELECT id FROM job`;
    if (rows.length === 0) {
      return { created: false, reason: 'idempotency_key_taken' };
    }
    const job: JobRecord = {
      id: input.jobId,
      namespace: input.namespace,
      name: spec.name,
      handler: spec.handler,
      payload: spec.payload ?? null,
      queue: spec.queue,
      priority: spec.priority,
      runAt: spec.runAt,
      retry: spec.retry,
      timeoutMs: spec.timeoutMs,
      idempotencyKey: input.idempotencyKey,
      requestHash: input.requestHash,
      status: ExecutionStatus.Pending,
      recurrence: null,
      createdAt: now,
      updatedAt: now,
    };
    const execution: ExecutionRecord = {
      id: input.executionId,
      jobId: input.jobId,
      namespace: input.namespace,
      status: ExecutionStatus.Pending,
      attempt: 0,
      scheduledFor: spec.scheduledFor,
      nominalTime: null,
      queuedAt: null,
      startedAt: null,
      finishedAt: null,
      nextAttemptAt: null,
      workerId: null,
      result: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    };
    return { created: true, job, execution };
  }

  /**
   * Stores a recurring job and the outbox row that arms its first tick, in one transaction. No
   * execution exists until a tick creates one.
   */
  async createRecurring(input: NewRecurringJob, now: Date = new Date()): Promise<JobRecord | null> {
    const { spec } = input;
    assertStorableJson(spec.payload, 'payload');
    const policies = storedRecurrencePolicies(input);
    const created = await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO jobs (id, namespace, name, handler, payload, queue, priority, max_attempts, backoff_type,
                          backoff_delay_ms, backoff_max_delay_ms, backoff_jitter, timeout_ms, idempotency_key,
                          request_hash, status, schedule, schedule_state, next_run_at, overlap_policy,
                          catch_up_policy, catch_up_window_ms, catch_up_max, created_at, updated_at)
        VALUES (${input.jobId}::uuid, ${input.namespace}, ${spec.name}, ${spec.handler},
                ${JSON.stringify(spec.payload ?? null)}::jsonb, ${spec.queue}, ${spec.priority},
                ${spec.retry.maxAttempts}, ${spec.retry.backoffType}::"BackoffType", ${spec.retry.backoffDelayMs},
                ${spec.retry.backoffMaxDelayMs}, ${spec.retry.backoffJitter}, ${spec.timeoutMs},
                ${input.idempotencyKey}, ${input.requestHash}, 'PENDING', ${JSON.stringify(input.schedule)}::jsonb,
                ${input.firstRunAt === null ? 'COMPLETED' : 'ACTIVE'}::"ScheduleState", ${input.firstRunAt}::timestamptz,
                ${policies.overlapPolicy}::"OverlapPolicy", ${policies.catchUpPolicy}::"CatchUpPolicy",
                ${policies.catchUpWindowMs}, ${policies.catchUpMax}, ${now}, ${now})
        ON CONFLICT (namespace, idempotency_key) DO NOTHING
        RETURNING id`;
      if (rows.length === 0) {
        return false;
      }
      await tx.outbox.create({ data: { kind: 'ARM_SCHEDULE', jobId: input.jobId } });
      return true;
    });
    return created ? this.findById(input.namespace, input.jobId) : null;
  }

  async findById(namespace: string, id: string): Promise<JobRecord | null> {
    const row = await this.db.job.findFirst({ where: { id, namespace } });
    return row === null ? null : toJobRecord(row);
  }

  async findByIdempotencyKey(namespace: string, idempotencyKey: string): Promise<JobRecord | null> {
    const row = await this.db.job.findUnique({ where: { namespace_idempotencyKey: { namespace, idempotencyKey } } });
    return row === null ? null : toJobRecord(row);
  }

  /** Newest first; each filter combination is served by a (namespace, column, id) index. */
  async list(filter: JobFilter): Promise<Page<JobRecord>> {
    const after = decodeCursor(filter.cursor);
    const rows = await this.db.job.findMany({
      where: {
        namespace: filter.namespace,
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(filter.name === undefined ? {} : { name: filter.name }),
        ...(filter.queue === undefined ? {} : { queue: filter.queue }),
        ...(after === undefined ? {} : { id: { lt: after } }),
      },
      orderBy: { id: 'desc' },
      take: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toJobRecord);
  }

  /** Deletes the job with its executions, attempts and outbox rows. */
  async delete(namespace: string, id: string): Promise<boolean> {
    const { count } = await this.db.job.deleteMany({ where: { id, namespace } });
    return count > 0;
  }
}

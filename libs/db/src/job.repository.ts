import {
  assertStorableJson,
  type ExecutionStatus as Status,
  type FieldIssue,
  InvariantViolationError,
  newId,
  RecurringJobQuotaExceededError,
} from '@meridian/domain';

import { Prisma } from '../generated/client/index.js';
import { GroupCommit } from './group-commit.js';
import { appendAuditEntries, type AuditOf, type NewAuditEntry, toAuditRow } from './internal/audit-entries.js';
import {
  type InsertedJob,
  insertedRecords,
  insertJobs,
  type NewOneOffJob,
  type NewRecurringJob,
  type TimedNewJob,
} from './internal/job-insert.js';
import { findJobsWithLatestExecution } from './internal/job-reads.js';
import { toJobRecord } from './internal/mappers.js';
import { decodeCursor, encodeCursor, toPage } from './internal/pagination.js';
import { allotRecurringQuota, type QuotaRefusal } from './internal/recurring-quota.js';
import type { Database } from './postgres.js';
import type { ExecutionRecord, JobRecord, JobWithLatestExecution, Page } from './records.js';
import type { SqlClient, Statement, StatementRunner } from './sql-client.js';

/** A one-off job as the create path hands it over (see {@link JobRepository.createWithFirstExecution}). */
export type NewJobInput = Omit<NewOneOffJob, 'kind'>;
/** A recurring job as the create path hands it over (see {@link JobRepository.createRecurring}). */
export type NewRecurringJobInput = Omit<NewRecurringJob, 'kind'>;

/** A job as a create stored it, with its first execution (null for a recurring job). */
export interface CreatedJobRecords {
  job: JobRecord;
  execution: ExecutionRecord | null;
}

export type CreateJobResult =
  { created: true; job: JobRecord; execution: ExecutionRecord } | { created: false; reason: 'idempotency_key_taken' };

type BatchItem<T> = Omit<T, 'namespace' | 'idempotencyKey' | 'requestHash'>;
/** A job of a batch: the batch gives its namespace, and its Idempotency-Key covers every job. */
export type NewBatchJob = BatchItem<NewOneOffJob> | BatchItem<NewRecurringJob>;

/** Jobs created together: stored in one transaction, or not at all. */
export interface NewJobBatch {
  namespace: string;
  jobs: NewBatchJob[];
  /** Covers the whole batch: a second batch with the same key in the namespace stores nothing. */
  idempotencyKey: string | null;
  requestHash: string | null;
}

export type CreateBatchResult =
  | { created: true; jobs: { job: JobRecord; execution: ExecutionRecord | null }[] }
  | { created: false; reason: 'idempotency_key_taken' };

/** The batch an Idempotency-Key made: what its request hashed to, and its jobs in request order. */
export interface StoredBatch {
  requestHash: string;
  jobIds: string[];
}

/** Deletes job $1 of namespace $2 and, by cascade, its executions, attempts and outbox rows. */
const DELETE_JOB: Statement = {
  name: 'meridian_delete_job',
  text: `DELETE FROM jobs WHERE id = $1 AND namespace = $2 RETURNING id`,
};

/**
 * Claims a batch's Idempotency-Key. Inputs: batch id, namespace, key, request hash, job ids, clock.
 * Output: one row when the key was free. Runs in the batch's transaction, before its jobs, so a
 * racing twin waits on the key's unique index and then stores nothing.
 */
const INSERT_BATCH: Statement = {
  name: 'meridian_insert_job_batch',
  text: `
    INSERT INTO job_batches (id, namespace, idempotency_key, request_hash, job_ids, created_at)
    VALUES ($1, $2, $3, $4, $5::uuid[], $6)
    ON CONFLICT (namespace, idempotency_key) DO NOTHING
    RETURNING id`,
};

/** Most jobs one page of a listing filtered by status or handler reads (see {@link JobRepository.list}). */
export const FILTER_SCAN_LIMIT = 5000;

export interface JobFilter {
  namespace: string;
  status?: Status;
  name?: string;
  handler?: string;
  queue?: string;
  /** true: only recurring jobs (with a schedule); false: only one-off jobs. */
  recurring?: boolean;
  cursor?: string;
  limit: number;
}

/** Options of a {@link JobRepository}. */
export interface JobRepositoryOptions {
  /**
   * Recurring jobs (active or paused) each namespace may have unless it has its own quota; 0: no
   * quota. @defaultValue 0
   */
  defaultMaxRecurringJobs?: number;
}

export class JobRepository {
  /** Concurrent single creates share one statement and one commit; see {@link GroupCommit}. */
  private readonly creates: GroupCommit<TimedNewJob, InsertedJob>;
  /**
   * Recurring creates apart, so that the one-off path never waits on a quota: theirs share one
   * transaction that counts each namespace's recurring jobs under its lock, then inserts.
   */
  private readonly recurringCreates: GroupCommit<TimedNewJob, InsertedJob | QuotaRefusal>;
  private readonly defaultMaxRecurringJobs: number;

  constructor(
    private readonly db: Database,
    private readonly sql: SqlClient,
    options: JobRepositoryOptions = {},
  ) {
    this.defaultMaxRecurringJobs = options.defaultMaxRecurringJobs ?? 0;
    this.creates = new GroupCommit((jobs) => insertJobs(this.sql, jobs));
    this.recurringCreates = new GroupCommit((jobs) => this.insertWithinQuota(jobs));
  }

  /**
   * Stores a job, its first execution (PENDING) and the outbox row that gets it to BullMQ, and
   * resolves once they are committed. Output: the stored records, or `created: false` when the
   * idempotency key is already taken in this namespace (a racing twin loses here, not with an error).
   * `audit` makes the create's entry, targeting the job, from the records to store: it is written by
   * the statement that stores the job, and only if the job is stored.
   */
  async createWithFirstExecution(
    input: NewJobInput,
    now: Date = new Date(),
    audit?: AuditOf<CreatedJobRecords>,
  ): Promise<CreateJobResult> {
    assertStorableJson(input.spec.payload, 'payload');
    const job = { kind: 'one_off' as const, ...input, createdAt: now };
    const stored = await this.creates.submit({ ...job, audit: createAuditRow(job, audit) });
    return stored === null
      ? { created: false, reason: 'idempotency_key_taken' }
      : { created: true, job: stored.job, execution: stored.execution as ExecutionRecord };
  }

  /**
   * Stores a recurring job and the outbox row that arms its first tick. No execution exists until a
   * tick creates one. Null when the idempotency key is already taken. `audit` as for
   * {@link createWithFirstExecution}.
   */
  async createRecurring(
    input: NewRecurringJobInput,
    now: Date = new Date(),
    audit?: AuditOf<CreatedJobRecords>,
  ): Promise<JobRecord | null> {
    assertStorableJson(input.spec.payload, 'payload');
    const job = { kind: 'recurring' as const, ...input, createdAt: now };
    const stored = await this.recurringCreates.submit({ ...job, audit: createAuditRow(job, audit) });
    if (stored !== null && 'quotaExceeded' in stored) {
      const { namespace, quota } = stored.quotaExceeded;
      throw new RecurringJobQuotaExceededError(namespace, quota, [quotaIssue('schedule', quota)]);
    }
    return stored?.job ?? null;
  }

  /**
   * A flush of recurring creates: in one transaction, the namespaces' quotas are locked and counted,
   * the jobs that fit are inserted, and the others are answered with their refusal.
   */
  private insertWithinQuota(jobs: TimedNewJob[]): Promise<(InsertedJob | QuotaRefusal)[]> {
    return this.sql.transaction(async (tx) => {
      const refusals = await allotRecurringQuota(tx, jobs, this.defaultMaxRecurringJobs);
      const admitted = jobs.filter((_, index) => refusals[index] === null);
      const inserted = admitted.length === 0 ? [] : await insertJobs(tx, admitted);
      let next = 0;
      return refusals.map((refusal) => refusal ?? (inserted[next++] as InsertedJob));
    });
  }

  /**
   * Within a batch's transaction: refuses the whole batch when its recurring jobs do not fit in their
   * namespace's quota, naming each one that does not.
   */
  private async assertRecurringQuota(tx: StatementRunner, jobs: readonly TimedNewJob[]): Promise<void> {
    const refused = (await allotRecurringQuota(tx, jobs, this.defaultMaxRecurringJobs)).flatMap((refusal, index) =>
      refusal === null ? [] : [{ index, ...refusal.quotaExceeded }],
    );
    const first = refused[0];
    if (first !== undefined) {
      throw new RecurringJobQuotaExceededError(
        first.namespace,
        first.quota,
        refused.map(({ index }) => quotaIssue(`jobs[${index}].schedule`, first.quota)),
      );
    }
  }

  /**
   * Stores every job of a batch with their executions and outbox rows, in one transaction: all of
   * them, or none (then the error is thrown). With an Idempotency-Key, the key is claimed in the
   * same transaction; when it is taken, nothing is stored. `audit` makes the batch's one entry from
   * the ids of its jobs, written in the same transaction.
   */
  async createBatch(
    batch: NewJobBatch,
    now: Date = new Date(),
    audit?: AuditOf<{ jobIds: string[] }>,
  ): Promise<CreateBatchResult> {
    batch.jobs.forEach((job, index) => assertStorableJson(job.spec.payload, `jobs[${index}].payload`));
    const jobs: TimedNewJob[] = batch.jobs.map((job) => ({
      ...job,
      namespace: batch.namespace,
      idempotencyKey: null,
      requestHash: null,
      createdAt: now,
    }));
    const stored = await this.sql.transaction(async (tx) => {
      if (batch.idempotencyKey !== null) {
        const claimed = await tx.query(INSERT_BATCH, [
          newId(),
          batch.namespace,
          batch.idempotencyKey,
          batch.requestHash,
          jobs.map((job) => job.jobId),
          now,
        ]);
        if (claimed.length === 0) {
          return null;
        }
      }
      // After the key's claim, so that a replay racing its original is told the key is taken.
      await this.assertRecurringQuota(tx, jobs);
      const inserted = await insertJobs(tx, jobs);
      if (audit !== undefined) {
        await appendAuditEntries(tx, [audit({ jobIds: jobs.map((job) => job.jobId) })], now);
      }
      return inserted;
    });
    if (stored === null) {
      return { created: false, reason: 'idempotency_key_taken' };
    }
    // Jobs of one batch carry no keys of their own, so each row was inserted.
    return { created: true, jobs: stored.filter((row) => row !== null) };
  }

  /** The batch that `idempotencyKey` made in `namespace`, or null. */
  async findBatchByIdempotencyKey(namespace: string, idempotencyKey: string): Promise<StoredBatch | null> {
    const row = await this.db.jobBatch.findUnique({
      where: { namespace_idempotencyKey: { namespace, idempotencyKey } },
    });
    return row === null ? null : { requestHash: row.requestHash, jobIds: row.jobIds };
  }

  /**
   * Jobs of `namespace` by id, each with its latest execution, in the order of `ids`; ids of jobs
   * that do not exist (or are another namespace's) are left out.
   */
  async findManyWithLatestExecution(namespace: string, ids: readonly string[]): Promise<JobWithLatestExecution[]> {
    return findJobsWithLatestExecution(this.sql, namespace, ids);
  }

  /** Resolves once every create submitted so far is committed or failed (for shutdown). */
  async drain(): Promise<void> {
    await Promise.all([this.creates.drain(), this.recurringCreates.drain()]);
  }

  /** A job of `namespace` with its latest execution; null when there is no such job. */
  async findWithLatestExecution(namespace: string, id: string): Promise<JobWithLatestExecution | null> {
    return (await this.findManyWithLatestExecution(namespace, [id]))[0] ?? null;
  }

  async findByIdempotencyKey(namespace: string, idempotencyKey: string): Promise<JobRecord | null> {
    const row = await this.db.job.findUnique({ where: { namespace_idempotencyKey: { namespace, idempotencyKey } } });
    return row === null ? null : toJobRecord(row);
  }

  /**
   * Newest first. A name or queue filter is served by its (namespace, column, id) index.
   * `recurring: true` walks the partial index of recurring jobs (jobs_recurring_id_idx, `schedule IS
   * NOT NULL`), which holds only those, a few per namespace (their quota); `recurring: false` walks
   * the namespace's (or the name's or queue's) index and passes over the recurring jobs it meets,
   * at most that few more rows than it keeps.
   *
   * A status or handler filter has no index: one on the status would cost every execution move an
   * index write (decision record 0006), and one on the handler an index write on every create, to
   * tell apart the few handlers a namespace uses. Either reads the namespace's jobs newest first (in
   * the index the other filters choose), at most {@link FILTER_SCAN_LIMIT} of them per page, and keeps
   * those that match. A page can so hold fewer than `limit` jobs, even none, and still have a
   * cursor, which goes on from the last job read.
   */
  async list(filter: JobFilter): Promise<Page<JobRecord>> {
    const after = decodeCursor(filter.cursor);
    const where = {
      namespace: filter.namespace,
      ...(filter.name === undefined ? {} : { name: filter.name }),
      ...(filter.queue === undefined ? {} : { queue: filter.queue }),
      ...(filter.recurring === undefined
        ? {}
        : { schedule: filter.recurring ? { not: Prisma.DbNull } : { equals: Prisma.DbNull } }),
      ...(after === undefined ? {} : { id: { lt: after } }),
    };
    if (filter.status === undefined && filter.handler === undefined) {
      const rows = await this.db.job.findMany({ where, orderBy: { id: 'desc' }, take: filter.limit + 1 });
      return toPage(rows, filter.limit, toJobRecord);
    }
    const scanned = await this.db.job.findMany({
      where,
      orderBy: { id: 'desc' },
      take: FILTER_SCAN_LIMIT,
      select: { id: true, status: true, handler: true },
    });
    const matching = scanned
      .filter(
        (row) =>
          (filter.status === undefined || row.status === filter.status) &&
          (filter.handler === undefined || row.handler === filter.handler),
      )
      .slice(0, filter.limit + 1);
    const rows = await this.db.job.findMany({
      where: { id: { in: matching.map((row) => row.id) } },
      orderBy: { id: 'desc' },
    });
    const page = toPage(rows, filter.limit, toJobRecord);
    const lastRead = scanned.at(-1);
    return page.nextCursor === null && scanned.length === FILTER_SCAN_LIMIT && lastRead !== undefined
      ? { ...page, nextCursor: encodeCursor(lastRead.id) }
      : page;
  }

  /**
   * Deletes the job with its executions, attempts and outbox rows (cascading), and writes `audit`
   * in the same transaction if there was a job to delete. The cascade locks them in another order
   * than the relay does, so the two can deadlock: the transaction then runs again (see
   * SqlClient.transaction), rather than failing the request.
   */
  async delete(namespace: string, id: string, audit?: NewAuditEntry, now: Date = new Date()): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const deleted = await tx.query(DELETE_JOB, [id, namespace]);
      if (deleted.length > 0 && audit !== undefined) {
        await appendAuditEntries(tx, [audit], now);
      }
      return deleted.length > 0;
    }, 4);
  }
}

/**
 * The audit row of a single create, made before the create joins a group commit: a target that
 * cannot be stored fails its own create only, not the others of the flush.
 */
function createAuditRow(job: TimedNewJob, audit: AuditOf<CreatedJobRecords> | undefined) {
  if (audit === undefined) {
    return undefined;
  }
  const entry = audit(insertedRecords(job, job.createdAt));
  if (entry.target.id !== job.jobId) {
    throw new InvariantViolationError(
      `the audit entry of the create of job ${job.jobId} targets ${entry.target.type} ${entry.target.id}`,
    );
  }
  return toAuditRow(entry, job.createdAt);
}

/** The issue naming a recurring job that the quota refused, at `path`. */
function quotaIssue(path: string, quota: number): FieldIssue {
  return { path, message: `the namespace has its ${quota} recurring jobs already`, code: 'quota_exceeded' };
}

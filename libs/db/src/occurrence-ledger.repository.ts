import {
  ExecutionStatus,
  type ExecutionStatus as Status,
  JobNotFoundError,
  newId,
  ValidationError,
} from '@meridian/domain';

import type { Database } from './prisma-client.factory.js';
import { recurrencePolicies } from './records.js';

/** What PATCH may change on a recurring job; absent fields stay. */
export interface RecurringJobChanges {
  name?: string;
  payload?: unknown;
  /** A new schedule starts over: `limit` counts from the change. */
  schedule?: unknown;
  overlapPolicy?: 'ALLOW' | 'SKIP';
  catchUp?: { policy: 'SKIP' | 'LATEST' | 'ALL'; windowMs: number };
}

/** A recurring job as its tick needs it. */
export interface RecurringJobState {
  id: string;
  namespace: string;
  schedule: unknown;
  nextRunAt: Date | null;
  occurrenceCount: number;
  overlapPolicy: 'ALLOW' | 'SKIP';
  catchUpPolicy: 'SKIP' | 'LATEST' | 'ALL';
  catchUpWindowMs: number;
  /** Whether a run of the job is pending, queued, running or retrying. */
  previousRunLive: boolean;
  /** Paused at this tick (a pause whose `until` has passed has already been lifted). */
  paused: boolean;
}

export interface TickDecision {
  occurrences: { nominalTime: Date; outcome: OccurrenceOutcome; runAt: Date }[];
  nextRunAt: Date | null;
}

export type TickResult =
  | { kind: 'handled'; nextRunAt: Date | null; enqueued: number }
  /** The tick is not the job's next one (redelivered, or the job changed or is gone). */
  | { kind: 'stale'; nextRunAt: Date | null };

export type OccurrenceOutcome = 'ENQUEUED' | 'SKIPPED_OVERLAP' | 'MISSED_DOWNTIME' | 'PAUSED';

export interface OccurrenceRecord {
  nominalTime: Date;
  outcome: OccurrenceOutcome;
  executionId: string | null;
  recordedAt: Date;
}

const LIVE: Status[] = [
  ExecutionStatus.Pending,
  ExecutionStatus.Queued,
  ExecutionStatus.Running,
  ExecutionStatus.Retrying,
];

/** The occurrence ledger and the writes a schedule tick makes. */
export class OccurrenceLedgerRepository {
  constructor(private readonly db: Database) {}

  /**
   * Handles the tick of `jobId` due at `due`.
   *
   * Inputs: the tick, the clock, and `decide`, which turns the job's state into a plan (pure).
   * Locks: the job row for the whole transaction, so ticks of one job are handled one at a time
   * across every scheduler replica. Idempotency: a tick whose `due` is not the job's `next_run_at`
   * changes nothing; the ledger's primary key (job, nominal time) refuses a second row anyway.
   * Writes: one ledger row per occurrence, an execution and an outbox row per occurrence to run,
   * and the job's next tick, count and state.
   */
  async handleTick(
    jobId: string,
    due: Date,
    now: Date,
    decide: (job: RecurringJobState) => TickDecision,
  ): Promise<TickResult> {
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<
          {
            id: string;
            namespace: string;
            schedule: unknown;
            schedule_state: string | null;
            next_run_at: Date | null;
            occurrence_count: number;
            overlap_policy: 'ALLOW' | 'SKIP' | null;
            catch_up_policy: 'SKIP' | 'LATEST' | 'ALL' | null;
            catch_up_window_ms: number | null;
            paused_until: Date | null;
            live: boolean;
          }[]
        >`
          SELECT j.id, j.namespace, j.schedule, j.schedule_state, j.next_run_at, j.occurrence_count,
                 j.overlap_policy, j.catch_up_policy, j.catch_up_window_ms, j.paused_until,
                 EXISTS (SELECT 1 FROM executions e
                          WHERE e.job_id = j.id AND e.status = ANY(${LIVE}::"ExecutionStatus"[])) AS live
            FROM jobs j
           WHERE j.id = ${jobId}::uuid
             FOR UPDATE OF j`;
        const job = rows[0];
        if (job === undefined) {
          return { kind: 'stale', nextRunAt: null };
        }
        const ticking = job.schedule_state === 'ACTIVE' || job.schedule_state === 'PAUSED';
        if (!ticking || job.next_run_at?.getTime() !== due.getTime()) {
          return { kind: 'stale', nextRunAt: ticking ? job.next_run_at : null };
        }
        const resumes = job.schedule_state === 'PAUSED' && job.paused_until !== null && job.paused_until <= now;
        const paused = job.schedule_state === 'PAUSED' && !resumes;
        const decision = decide({
          id: job.id,
          namespace: job.namespace,
          schedule: job.schedule,
          nextRunAt: job.next_run_at,
          occurrenceCount: job.occurrence_count,
          ...recurrencePolicies({
            overlap: job.overlap_policy,
            catchUp: job.catch_up_policy,
            windowMs: job.catch_up_window_ms,
          }),
          previousRunLive: job.live,
          paused,
        });
        const runs = decision.occurrences
          .filter((occurrence) => occurrence.outcome === 'ENQUEUED')
          .map((occurrence) => ({ ...occurrence, executionId: newId() }));
        if (runs.length > 0) {
          await tx.execution.createMany({
            data: runs.map((run) => ({
              id: run.executionId,
              jobId,
              namespace: job.namespace,
              status: ExecutionStatus.Pending,
              scheduledFor: run.runAt,
              nominalTime: run.nominalTime,
            })),
          });
          await tx.outbox.createMany({
            data: runs.map((run) => ({ kind: 'ENQUEUE_EXECUTION' as const, executionId: run.executionId })),
          });
        }
        const executionIds = new Map(runs.map((run) => [run.nominalTime.getTime(), run.executionId]));
        await tx.occurrence.createMany({
          data: decision.occurrences.map((occurrence) => ({
            jobId,
            nominalTime: occurrence.nominalTime,
            outcome: occurrence.outcome,
            executionId: executionIds.get(occurrence.nominalTime.getTime()) ?? null,
            recordedAt: now,
          })),
          skipDuplicates: true,
        });
        await tx.job.update({
          where: { id: jobId },
          data: {
            nextRunAt: decision.nextRunAt,
            occurrenceCount: { increment: decision.occurrences.length },
            scheduleState: decision.nextRunAt === null ? 'COMPLETED' : paused ? 'PAUSED' : 'ACTIVE',
            ...(resumes ? { pausedUntil: null, pauseNote: null } : {}),
            ...(runs.length > 0 ? { status: ExecutionStatus.Pending } : {}),
          },
        });
        return { kind: 'handled', nextRunAt: decision.nextRunAt, enqueued: runs.length };
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  /**
   * Changes a recurring job. The next tick is recomputed by `nextAfter` from the later of now and
   * the last nominal time in the ledger, so the new schedule starts with the next occurrence:
   * nothing already recorded can come again, and nothing between is owed. An outbox row arms the
   * new tick; the old one finds itself stale when it fires.
   * Locks: the job row. Returns false when the job has no schedule left to change.
   */
  async updateRecurring(
    jobId: string,
    changes: RecurringJobChanges,
    nextAfter: (after: Date) => Date | null,
    now: Date,
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ schedule_state: string | null; last: Date | null }[]>`
        SELECT j.schedule_state, (SELECT max(o.nominal_time) FROM occurrences o WHERE o.job_id = j.id) AS last
          FROM jobs j WHERE j.id = ${jobId}::uuid FOR UPDATE OF j`;
      const job = rows[0];
      if (job === undefined || (job.schedule_state !== 'ACTIVE' && job.schedule_state !== 'PAUSED')) {
        return false;
      }
      const after = new Date(Math.max(now.getTime(), job.last?.getTime() ?? -Infinity));
      const nextRunAt = changes.schedule === undefined ? undefined : nextAfter(after);
      await tx.job.update({
        where: { id: jobId },
        data: {
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.payload === undefined ? {} : { payload: changes.payload as object }),
          ...(changes.overlapPolicy === undefined ? {} : { overlapPolicy: changes.overlapPolicy }),
          ...(changes.catchUp === undefined
            ? {}
            : { catchUpPolicy: changes.catchUp.policy, catchUpWindowMs: changes.catchUp.windowMs }),
          ...(changes.schedule === undefined
            ? {}
            : {
                schedule: changes.schedule as object,
                nextRunAt: nextRunAt ?? null,
                occurrenceCount: 0,
                ...(nextRunAt === null ? { scheduleState: 'COMPLETED' as const } : {}),
              }),
        },
      });
      if (changes.schedule !== undefined && nextRunAt !== null) {
        await tx.outbox.create({ data: { kind: 'ARM_SCHEDULE', jobId } });
      }
      return true;
    });
  }

  /**
   * Pauses (`pause` given) or resumes (`pause` null) a recurring job. A paused job keeps ticking so
   * each occurrence it lets pass is in the ledger as PAUSED. Returns false when the job has no
   * schedule left to pause or resume.
   */
  async setPaused(jobId: string, pause: { until: Date | null; note: string | null } | null): Promise<boolean> {
    const { count } = await this.db.job.updateMany({
      where: { id: jobId, scheduleState: { in: ['ACTIVE', 'PAUSED'] } },
      data:
        pause === null
          ? { scheduleState: 'ACTIVE', pausedUntil: null, pauseNote: null }
          : { scheduleState: 'PAUSED', pausedUntil: pause.until, pauseNote: pause.note },
    });
    return count > 0;
  }

  /**
   * Creates a run of a recurring job now, outside its schedule. With `refuseOverlap`, refuses when
   * a run is still pending, queued, running or retrying. Locks the job row, so two triggers and a
   * tick cannot both see "no run going".
   */
  async trigger(jobId: string, refuseOverlap: boolean, now: Date): Promise<{ executionId: string } | 'overlap'> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ namespace: string; live: boolean }[]>`
        SELECT j.namespace,
               EXISTS (SELECT 1 FROM executions e
                        WHERE e.job_id = j.id AND e.status = ANY(${LIVE}::"ExecutionStatus"[])) AS live
          FROM jobs j WHERE j.id = ${jobId}::uuid FOR UPDATE OF j`;
      const job = rows[0];
      if (job === undefined) {
        throw new JobNotFoundError(jobId);
      }
      if (refuseOverlap && job.live) {
        return 'overlap';
      }
      const executionId = newId();
      await tx.execution.create({
        data: {
          id: executionId,
          jobId,
          namespace: job.namespace,
          status: ExecutionStatus.Pending,
          scheduledFor: now,
          outbox: { create: { kind: 'ENQUEUE_EXECUTION' } },
        },
      });
      await tx.job.update({ where: { id: jobId }, data: { status: ExecutionStatus.Pending } });
      return { executionId };
    });
  }

  /** The ledger of a job, newest occurrence first; the cursor is the last nominal time seen. */
  async list(
    jobId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: OccurrenceRecord[]; nextCursor: string | null }> {
    const before = cursor === undefined ? undefined : decodeTimeCursor(cursor);
    const rows = await this.db.occurrence.findMany({
      where: { jobId, ...(before === undefined ? {} : { nominalTime: { lt: before } }) },
      orderBy: { nominalTime: 'desc' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map((row) => ({
      nominalTime: row.nominalTime,
      outcome: row.outcome,
      executionId: row.executionId,
      recordedAt: row.recordedAt,
    }));
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last !== undefined
          ? Buffer.from(last.nominalTime.toISOString()).toString('base64url')
          : null,
    };
  }

  /**
   * Active recurring jobs untouched since `updatedBefore`, whose next tick the reconciler checks.
   * Keyset-paged by id. Served by the (schedule_state, next_run_at) index.
   */
  async findArmed(
    updatedBefore: Date,
    afterId: string | null,
    limit: number,
  ): Promise<{ jobId: string; nextRunAt: Date }[]> {
    const rows = await this.db.job.findMany({
      where: {
        scheduleState: { in: ['ACTIVE', 'PAUSED'] },
        nextRunAt: { not: null },
        updatedAt: { lt: updatedBefore },
        ...(afterId === null ? {} : { id: { gt: afterId } }),
      },
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true, nextRunAt: true },
    });
    return rows.flatMap((row) => (row.nextRunAt === null ? [] : [{ jobId: row.id, nextRunAt: row.nextRunAt }]));
  }
}

function decodeTimeCursor(cursor: string): Date {
  const date = new Date(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError([
      { path: 'cursor', message: 'is not a cursor returned by this API', code: 'invalid_cursor' },
    ]);
  }
  return date;
}

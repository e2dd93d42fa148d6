import {
  type CatchUpPolicy,
  decideOverlap,
  JobNotFoundError,
  newId,
  type OccurrenceOutcome,
  type OverlapPolicy,
} from '@meridian/domain';

import { appendAuditEntries, type AuditOf } from './internal/audit-entries.js';
import { cancelExecutions } from './internal/execution-transitions.js';
import { toJobRecord } from './internal/mappers.js';
import { createRuns, lockRecurringJobs, SUPERSEDED } from './internal/recurring-job-runs.js';
import type { Database } from './postgres.js';
import {
  type CancelledExecutions,
  type JobRecord,
  recurrencePolicies,
  type RecurringSchedule,
  storedRecurrencePolicies,
} from './records.js';
import { statementsIn } from './sql-client.js';

/** What PATCH may change on a recurring job; absent fields stay. */
export interface RecurringJobChanges {
  name?: string;
  payload?: unknown;
  /** A new schedule starts over: `limit` counts from the change. */
  schedule?: RecurringSchedule;
  overlap?: OverlapPolicy;
  catchUp?: CatchUpPolicy;
}

export type TriggerResult =
  { kind: 'started' | 'buffered'; executionId: string; superseded: CancelledExecutions } | { kind: 'refused' };

/** One nominal time of a backfill: run now, or already run (`deduplicated`), with its ledger row. */
export interface BackfillItem {
  nominalTime: Date;
  result: 'backfilled' | 'deduplicated';
  /** What the ledger held before: null when the occurrence was never recorded. */
  previousOutcome: OccurrenceOutcome | null;
  /** The execution that runs (or ran) it; null in a dry run for an occurrence still to create. */
  executionId: string | null;
}

/** Backfill runs either one after another (`sequential`, the default) or all at once (`parallel`). */
export type BackfillMode = 'sequential' | 'parallel';

/**
 * The rows of recurring jobs and what a request or the reconciler does to one outside its ticks:
 * change, pause or resume it, run it now (trigger) or run past occurrences (backfill). The ticks and
 * the ledger they write are OccurrenceRepository's.
 */
export class RecurringJobRepository {
  constructor(private readonly db: Database) {}

  /**
   * Changes a recurring job. The next tick is recomputed by `nextAfter` from the later of now and
   * the last nominal time in the ledger, so the new schedule starts with the next occurrence:
   * nothing already recorded can come again, and nothing between is owed. An outbox row arms the
   * new tick; the old one finds itself stale when it fires. `audit` makes the entry from the job as
   * changed, written in the same transaction.
   * Locks: the job row. Returns false when the job has no schedule left to change.
   */
  async updateRecurring(
    jobId: string,
    changes: RecurringJobChanges,
    nextAfter: (after: Date) => Date | null,
    now: Date,
    audit?: AuditOf<JobRecord>,
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
      const updated = await tx.job.update({
        where: { id: jobId },
        data: {
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.payload === undefined ? {} : { payload: changes.payload as object }),
          ...storedRecurrencePolicies(changes),
          ...(changes.schedule === undefined
            ? {}
            : {
                schedule: changes.schedule.definition,
                nextRunAt: nextRunAt ?? null,
                occurrenceCount: 0,
                ...(nextRunAt === null ? { scheduleState: 'COMPLETED' as const } : {}),
              }),
        },
      });
      if (changes.schedule !== undefined && nextRunAt !== null) {
        await tx.outbox.create({ data: { kind: 'ARM_SCHEDULE', jobId } });
      }
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit(toJobRecord(updated))], now);
      }
      return true;
    });
  }

  /**
   * Pauses (`pause` given) or resumes (`pause` null) a recurring job. A paused job keeps ticking so
   * each occurrence it lets pass is in the ledger as PAUSED. Returns false when the job has no
   * schedule left to pause or resume. `audit` makes the entry from the job as paused or resumed,
   * written in the same transaction.
   */
  async setPaused(
    jobId: string,
    pause: { until: Date | null; note: string | null } | null,
    audit?: AuditOf<JobRecord>,
    now: Date = new Date(),
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.job.updateMany({
        where: { id: jobId, scheduleState: { in: ['ACTIVE', 'PAUSED'] } },
        data:
          pause === null
            ? { scheduleState: 'ACTIVE', pausedUntil: null, pauseNote: null }
            : { scheduleState: 'PAUSED', pausedUntil: pause.until, pauseNote: pause.note },
      });
      if (count > 0 && audit !== undefined) {
        const job = toJobRecord(await tx.job.findUniqueOrThrow({ where: { id: jobId } }));
        await appendAuditEntries(statementsIn(tx), [audit(job)], now);
      }
      return count > 0;
    });
  }

  /**
   * Creates a run of a recurring job now, outside its schedule, as its overlap policy says: at once,
   * buffered behind the runs in flight, after cancelling them, or not at all (`refused`). Locks the
   * job row, so two triggers and a tick cannot both see "no run going". `audit` makes the entry of
   * a run created, written in the same transaction.
   */
  async trigger(
    jobId: string,
    now: Date,
    audit?: AuditOf<Exclude<TriggerResult, { kind: 'refused' }>>,
  ): Promise<TriggerResult> {
    return this.db.$transaction(async (tx) => {
      const [job] = await lockRecurringJobs(statementsIn(tx), [jobId]);
      if (job === undefined) {
        throw new JobNotFoundError(jobId);
      }
      const decision = decideOverlap(recurrencePolicies(job).overlap, { live: job.live, buffered: job.buffered });
      if (decision === 'skip') {
        return { kind: 'refused' };
      }
      const superseded =
        decision === 'cancel_and_run' ? await cancelExecutions(statementsIn(tx), { jobId }, now, SUPERSEDED) : [];
      const run = { job, executionId: newId(), runAt: now, nominalTime: null, afterPrevious: decision === 'buffer' };
      await createRuns(statementsIn(tx), [run], now);
      const result = {
        kind: run.afterPrevious ? ('buffered' as const) : ('started' as const),
        executionId: run.executionId,
        superseded: { queue: job.queue, executions: superseded },
      };
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit(result)], now);
      }
      return result;
    });
  }

  /**
   * Runs past occurrences now: each of `nominalTimes` that has no execution yet (never recorded,
   * or recorded as missed, skipped or paused) gets one, and its ledger row says BACKFILLED; one that
   * already has an execution is left as it is and reported as `deduplicated`. A dry run reports the
   * same and writes nothing, no audit entry either. Locks the job row, so a concurrent tick or
   * backfill cannot run an occurrence twice. Returns null when the job has no schedule. `audit`
   * makes the entry from the items, written in the same transaction.
   */
  async backfill(
    jobId: string,
    nominalTimes: Date[],
    options: { mode: BackfillMode; dryRun: boolean },
    now: Date,
    audit?: AuditOf<BackfillItem[]>,
  ): Promise<BackfillItem[] | null> {
    return this.db.$transaction(
      async (tx) => {
        const [job] = await lockRecurringJobs(statementsIn(tx), [jobId]);
        if (job === undefined || job.schedule_state === null) {
          return null;
        }
        const existing = await tx.occurrence.findMany({
          where: { jobId, nominalTime: { in: nominalTimes } },
          select: { nominalTime: true, outcome: true, executionId: true },
        });
        const recorded = new Map(existing.map((row) => [row.nominalTime.getTime(), row]));
        const items: BackfillItem[] = nominalTimes.map((nominalTime) => {
          const row = recorded.get(nominalTime.getTime());
          return row !== undefined && row.executionId !== null
            ? { nominalTime, result: 'deduplicated', previousOutcome: row.outcome, executionId: row.executionId }
            : {
                nominalTime,
                result: 'backfilled',
                previousOutcome: row?.outcome ?? null,
                executionId: options.dryRun ? null : newId(),
              };
        });
        if (options.dryRun) {
          return items;
        }
        const runs = items.flatMap((item) =>
          item.result === 'backfilled' && item.executionId !== null
            ? [
                {
                  job,
                  executionId: item.executionId,
                  runAt: now,
                  nominalTime: item.nominalTime,
                  afterPrevious: options.mode === 'sequential',
                },
              ]
            : [],
        );
        await createRuns(statementsIn(tx), runs, now);
        if (runs.length > 0) {
          // A row recorded without a run (missed, skipped, paused) now has one; a row with a run is
          // never touched, so a concurrent second backfill changes nothing. Recorded at the
          // database's clock, as a tick records its rows (OccurrenceRepository).
          await tx.$executeRaw`
            INSERT INTO occurrences (job_id, nominal_time, outcome, execution_id, recorded_at)
            SELECT ${jobId}::uuid, r.nominal_time, 'BACKFILLED', r.execution_id, statement_timestamp()
              FROM unnest(${runs.map((run) => run.nominalTime)}::timestamptz[],
                          ${runs.map((run) => run.executionId)}::uuid[]) AS r(nominal_time, execution_id)
            ON CONFLICT (job_id, nominal_time) DO UPDATE
               SET outcome = 'BACKFILLED', execution_id = EXCLUDED.execution_id, recorded_at = EXCLUDED.recorded_at
             WHERE occurrences.execution_id IS NULL`;
        }
        if (audit !== undefined) {
          await appendAuditEntries(statementsIn(tx), [audit(items)], now);
        }
        return items;
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  /**
   * Active recurring jobs untouched since `updatedBefore`, whose next tick the reconciler checks.
   * Keyset-paged by id. Served by the partial index of recurring jobs (`schedule IS NOT NULL`).
   */
  async findArmed(
    updatedBefore: Date,
    afterId: string | null,
    limit: number,
  ): Promise<{ jobId: string; nextRunAt: Date }[]> {
    const rows = await this.db.$queryRaw<{ id: string; next_run_at: Date }[]>`
      SELECT j.id, j.next_run_at FROM jobs j
       WHERE j.schedule IS NOT NULL AND j.schedule_state IN ('ACTIVE', 'PAUSED') AND j.next_run_at IS NOT NULL
         AND j.updated_at < ${updatedBefore}
         AND j.id > ${afterId ?? '00000000-0000-0000-0000-000000000000'}::uuid
       ORDER BY j.id
       LIMIT ${limit}`;
    return rows.map((row) => ({ jobId: row.id, nextRunAt: row.next_run_at }));
  }
}

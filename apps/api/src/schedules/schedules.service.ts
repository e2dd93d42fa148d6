import {
  type JobRecord,
  type JobWithLatestExecution,
  type OccurrenceRecord,
  OccurrenceRepository,
  parseRecurringSchedule,
  type RecurringJobRecord,
  RecurringJobRepository,
  type TriggerResult,
} from '@meridian/db';
import {
  JobNotRecurringError,
  type JobUpdate,
  MAX_BACKFILL_OCCURRENCES,
  OverlapForbidsRunError,
  type Principal,
  ValidationError,
} from '@meridian/domain';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { formatInZone, nextOccurrences } from '@meridian/schedule';
import { CancellationService } from '@meridian/services';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { type AuditAction, auditEntry } from '../audit/audit-entry.js';
import { toJobView } from '../jobs/dto/job.view.js';
import { JobsService } from '../jobs/jobs.service.js';
import { type BackfillRequest, type BackfillResult, toBackfillResult } from './dto/backfill.dto.js';
import type { TriggerOutcome } from './dto/trigger.view.js';
import type { UpcomingView } from './dto/upcoming.view.js';

/** What recurring jobs add to a job: the preview of what comes, and the ledger of what came. */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly jobs: JobsService,
    private readonly recurringJobs: RecurringJobRepository,
    private readonly occurrenceLedger: OccurrenceRepository,
    private readonly handlers: HandlerRegistry,
    private readonly cancellations: CancellationService,
    @InjectPinoLogger(SchedulesService.name) private readonly logger: PinoLogger,
  ) {}

  /** The next `count` nominal times, from the job's next tick on, with local times and offsets. */
  async upcoming(namespace: string, jobId: string, count: number, now: Date = new Date()): Promise<UpcomingView> {
    const { job } = await this.recurring(namespace, jobId);
    const { nextRunAt, occurrenceCount } = job.recurrence;
    const { schedule } = job.recurrence.schedule;
    const timezone = schedule.kind === 'cron' ? schedule.timeZone : 'UTC';
    const from = nextRunAt === null ? null : new Date(Math.min(now.getTime(), nextRunAt.getTime() - 1));
    const items = from === null ? [] : nextOccurrences(schedule, from, count, occurrenceCount);
    return {
      timezone,
      items: items.map((instant) => ({ nominalTime: instant.toISOString(), local: formatInZone(instant, timezone) })),
    };
  }

  /**
   * Changes a recurring job's name, payload, schedule or policies. A new schedule takes effect from
   * its next occurrence after now (and after the last one recorded): no occurrence twice, none owed.
   * Records `job.updated` by `by` with the change.
   */
  async update(
    namespace: string,
    jobId: string,
    changes: JobUpdate,
    by: Principal,
    now: Date = new Date(),
  ): Promise<JobRecord> {
    const current = await this.recurring(namespace, jobId);
    const { job } = current;
    const schedule = changes.schedule === undefined ? undefined : parseRecurringSchedule(changes.schedule);
    if (changes.payload !== undefined) {
      changes.payload = this.handlers.parsePayload(job.handler, changes.payload);
    }
    const updated = await this.recurringJobs.updateRecurring(
      job.id,
      {
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.payload === undefined ? {} : { payload: changes.payload }),
        ...(schedule === undefined ? {} : { schedule }),
        ...(changes.overlap === undefined ? {} : { overlap: changes.overlap }),
        ...(changes.catchUp === undefined ? {} : { catchUp: changes.catchUp }),
      },
      (after) => (schedule === undefined ? null : (nextOccurrences(schedule.schedule, after, 1)[0] ?? null)),
      now,
      this.auditJob(by, 'job.updated', current),
    );
    if (!updated) {
      throw new JobNotRecurringError(job.id);
    }
    return this.jobs.find(namespace, job.id);
  }

  /**
   * Pauses a recurring job: its occurrences are recorded as PAUSED until it resumes (or `until`).
   * Records `job.paused` by `by`.
   */
  async pause(
    namespace: string,
    jobId: string,
    until: Date | null,
    note: string | null,
    by: Principal,
  ): Promise<JobRecord> {
    return this.setPaused(namespace, jobId, { until, note }, by);
  }

  /** Resumes a paused recurring job from its next occurrence. Records `job.resumed` by `by`. */
  async resume(namespace: string, jobId: string, by: Principal): Promise<JobRecord> {
    return this.setPaused(namespace, jobId, null, by);
  }

  /**
   * Runs a recurring job now, outside its schedule, as its overlap policy says: at once, after the
   * runs in flight (buffered), after cancelling them, or not at all (409). Records `job.triggered`
   * by `by` with the run it creates.
   */
  async trigger(namespace: string, jobId: string, by: Principal, now: Date = new Date()): Promise<TriggerOutcome> {
    const current = await this.recurring(namespace, jobId);
    const { job } = current;
    const before = toJobView(job, current.latestExecution);
    const result = await this.recurringJobs.trigger(job.id, now, (run) =>
      auditEntry(by, 'job.triggered', { type: 'job', id: job.id }, before, toTriggerOutcome(run)),
    );
    if (result.kind === 'refused') {
      throw new OverlapForbidsRunError(job.id);
    }
    const { queue, executions } = result.superseded;
    await this.cancellations.afterCancelled(queue, executions, { jobId: job.id });
    return toTriggerOutcome(result);
  }

  /**
   * Runs the occurrences of a past range that have not run (see RecurringJobRepository.backfill),
   * or with `dryRun` lists what would run. The range holds at most MAX_BACKFILL_OCCURRENCES
   * occurrences of the job's current schedule, within its startAt and endAt; `limit` does not apply.
   * Records `job.backfilled` by `by` with the runs it creates; a dry run changes nothing, and is
   * not recorded.
   */
  async backfill(
    namespace: string,
    jobId: string,
    request: BackfillRequest,
    by: Principal,
    now: Date = new Date(),
  ): Promise<BackfillResult> {
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (to.getTime() > now.getTime()) {
      throw new ValidationError([{ path: 'to', message: 'must not be in the future', code: 'too_big' }]);
    }
    const current = await this.recurring(namespace, jobId);
    const { job } = current;
    const { schedule } = job.recurrence.schedule;
    const nominalTimes = nextOccurrences(
      { ...schedule, limit: null },
      new Date(from.getTime() - 1),
      MAX_BACKFILL_OCCURRENCES + 1,
    ).filter((instant) => instant.getTime() <= to.getTime());
    if (nominalTimes.length > MAX_BACKFILL_OCCURRENCES) {
      throw new ValidationError([
        {
          path: 'to',
          message: `the range holds more than ${MAX_BACKFILL_OCCURRENCES} occurrences; split it`,
          code: 'too_big',
        },
      ]);
    }
    const before = toJobView(job, current.latestExecution);
    const items = await this.recurringJobs.backfill(
      job.id,
      nominalTimes,
      request,
      now,
      request.dryRun
        ? undefined
        : (backfilled) =>
            auditEntry(by, 'job.backfilled', { type: 'job', id: job.id }, before, toBackfillResult(false, backfilled)),
    );
    if (items === null) {
      throw new JobNotRecurringError(job.id);
    }
    if (!request.dryRun) {
      this.logger.info(
        { jobId: job.id, from, to, backfilled: items.filter((item) => item.result === 'backfilled').length },
        'backfill',
      );
    }
    return toBackfillResult(request.dryRun, items);
  }

  private async setPaused(
    namespace: string,
    jobId: string,
    pause: { until: Date | null; note: string | null } | null,
    by: Principal,
  ) {
    const current = await this.recurring(namespace, jobId);
    const { job } = current;
    const action = pause === null ? 'job.resumed' : 'job.paused';
    if (!(await this.recurringJobs.setPaused(job.id, pause, this.auditJob(by, action, current)))) {
      throw new JobNotRecurringError(job.id);
    }
    return this.jobs.find(namespace, job.id);
  }

  /** The audit entry of a change to a job, from the job as changed, as its answer shows it. */
  private auditJob(by: Principal, action: AuditAction, current: JobWithLatestExecution) {
    const before = toJobView(current.job, current.latestExecution);
    return (after: JobRecord) => auditEntry(by, action, { type: 'job', id: current.job.id }, before, toJobView(after));
  }

  /** The recurring job `jobId` of `namespace`, with its latest execution. */
  private async recurring(
    namespace: string,
    jobId: string,
  ): Promise<JobWithLatestExecution & { job: RecurringJobRecord }> {
    const found = await this.jobs.get(namespace, jobId);
    const { recurrence } = found.job;
    if (recurrence === null) {
      throw new JobNotRecurringError(found.job.id);
    }
    return { ...found, job: { ...found.job, recurrence } };
  }

  async occurrences(
    namespace: string,
    jobId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: OccurrenceRecord[]; nextCursor: string | null }> {
    const job = await this.jobs.find(namespace, jobId);
    return this.occurrenceLedger.list(job.id, cursor, limit);
  }
}

/** What a trigger answers, and records: the run it created, and the runs it cancelled. */
function toTriggerOutcome(result: Exclude<TriggerResult, { kind: 'refused' }>): TriggerOutcome {
  return {
    executionId: result.executionId,
    buffered: result.kind === 'buffered',
    cancelled: result.superseded.executions.map((execution) => execution.id),
  };
}

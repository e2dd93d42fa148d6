import { type JobRecord, OccurrenceLedgerRepository, type OccurrenceRecord } from '@meridian/db';
import {
  assertStorableJson,
  JobNotRecurringError,
  OverlapForbidsRunError,
  toFieldIssues,
  ValidationError,
} from '@meridian/domain';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { formatInZone, nextOccurrences, parseSchedule } from '@meridian/schedule';
import { Injectable } from '@nestjs/common';

import { updateRecurringJobSchema } from '../jobs/dto/occurrence.view.js';
import { JobsService } from '../jobs/jobs.service.js';

export interface UpcomingOccurrences {
  timezone: string;
  items: { nominalTime: string; local: string }[];
}

/** What recurring jobs add to a job: the preview of what comes, and the ledger of what came. */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly jobs: JobsService,
    private readonly ledger: OccurrenceLedgerRepository,
    private readonly handlers: HandlerRegistry,
  ) {}

  /** The next `count` nominal times, from the job's next tick on, with local times and offsets. */
  async upcoming(jobId: string, count: number, now: Date = new Date()): Promise<UpcomingOccurrences> {
    const job = await this.recurring(jobId);
    const { nextRunAt, occurrenceCount } = job.recurrence ?? { nextRunAt: null, occurrenceCount: 0 };
    const { schedule } = parseSchedule(job.recurrence?.schedule);
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
   */
  async update(jobId: string, body: unknown, now: Date = new Date()): Promise<JobRecord> {
    const parsed = updateRecurringJobSchema.safeParse(body);
    if (!parsed.success) {
      throw new ValidationError(toFieldIssues(parsed.error));
    }
    const changes = parsed.data;
    const job = await this.recurring(jobId);
    const schedule = changes.schedule === undefined ? undefined : parseSchedule(changes.schedule).schedule;
    if (changes.payload !== undefined) {
      assertStorableJson(changes.payload, 'payload');
      changes.payload = this.handlers.parsePayload(job.handler, changes.payload);
    }
    const updated = await this.ledger.updateRecurring(
      job.id,
      {
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.payload === undefined ? {} : { payload: changes.payload }),
        ...(changes.schedule === undefined ? {} : { schedule: changes.schedule }),
        ...(changes.overlap === undefined ? {} : { overlapPolicy: changes.overlap === 'allow' ? 'ALLOW' : 'SKIP' }),
        ...(changes.catchUp === undefined
          ? {}
          : {
              catchUp: {
                policy: changes.catchUp.policy.toUpperCase() as 'SKIP' | 'LATEST' | 'ALL',
                windowMs: changes.catchUp.windowMs,
              },
            }),
      },
      (after) => (schedule === undefined ? null : (nextOccurrences(schedule, after, 1)[0] ?? null)),
      now,
    );
    if (!updated) {
      throw new JobNotRecurringError(job.id);
    }
    return this.jobs.find(job.id);
  }

  /** Pauses a recurring job: its occurrences are recorded as PAUSED until it resumes (or `until`). */
  async pause(jobId: string, until: Date | null, note: string | null): Promise<JobRecord> {
    return this.setPaused(jobId, { until, note });
  }

  async resume(jobId: string): Promise<JobRecord> {
    return this.setPaused(jobId, null);
  }

  /** Runs a recurring job now, outside its schedule, unless its overlap policy forbids it. */
  async trigger(jobId: string, now: Date = new Date()): Promise<{ executionId: string }> {
    const job = await this.recurring(jobId);
    const result = await this.ledger.trigger(job.id, job.recurrence?.overlapPolicy === 'SKIP', now);
    if (result === 'overlap') {
      throw new OverlapForbidsRunError(job.id);
    }
    return result;
  }

  private async setPaused(jobId: string, pause: { until: Date | null; note: string | null } | null) {
    const job = await this.recurring(jobId);
    if (!(await this.ledger.setPaused(job.id, pause))) {
      throw new JobNotRecurringError(job.id);
    }
    return this.jobs.find(job.id);
  }

  private async recurring(jobId: string): Promise<JobRecord> {
    const job = await this.jobs.find(jobId);
    if (job.recurrence === null) {
      throw new JobNotRecurringError(job.id);
    }
    return job;
  }

  async occurrences(
    jobId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: OccurrenceRecord[]; nextCursor: string | null }> {
    const job = await this.jobs.find(jobId);
    return this.ledger.list(job.id, cursor, limit);
  }
}

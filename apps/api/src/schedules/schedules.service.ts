import { type JobRecord, OccurrenceLedgerRepository, type OccurrenceRecord } from '@meridian/db';
import { JobNotRecurringError, OverlapForbidsRunError } from '@meridian/domain';
import { formatInZone, nextOccurrences, parseSchedule } from '@meridian/schedule';
import { Injectable } from '@nestjs/common';

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

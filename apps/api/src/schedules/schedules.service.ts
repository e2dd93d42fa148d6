import { OccurrenceLedgerRepository, type OccurrenceRecord } from '@meridian/db';
import { JobNotRecurringError } from '@meridian/domain';
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
    const job = await this.jobs.find(jobId);
    if (job.recurrence === null) {
      throw new JobNotRecurringError(job.id);
    }
    const { nextRunAt, occurrenceCount } = job.recurrence;
    const { schedule } = parseSchedule(job.recurrence.schedule);
    const timezone = schedule.kind === 'cron' ? schedule.timeZone : 'UTC';
    const from = nextRunAt === null ? null : new Date(Math.min(now.getTime(), nextRunAt.getTime() - 1));
    const items = from === null ? [] : nextOccurrences(schedule, from, count, occurrenceCount);
    return {
      timezone,
      items: items.map((instant) => ({ nominalTime: instant.toISOString(), local: formatInZone(instant, timezone) })),
    };
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

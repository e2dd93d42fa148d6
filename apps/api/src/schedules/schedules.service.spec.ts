import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  type AuditOf,
  type BackfillItem,
  type CancelledExecution,
  type JobRecord,
  type JobWithLatestExecution,
  type NewAuditEntry,
  type OccurrenceRepository,
  type RecurringJobRepository,
  toRecurringSchedule,
  type TriggerResult,
} from '@meridian/db';
import {
  DEFAULT_RECURRENCE_POLICY,
  JobNotFoundError,
  JobNotRecurringError,
  newId,
  OverlapForbidsRunError,
  type Principal,
  ValidationError,
} from '@meridian/domain';
import { defineHandler, HandlerRegistry } from '@meridian/handler-sdk';
import type { CancellationService } from '@meridian/services';
import type { PinoLogger } from 'nestjs-pino';
import { z } from 'zod';

import type { JobsService } from '../jobs/jobs.service.js';
import { SchedulesService } from './schedules.service.js';

const writer: Principal = { keyId: newId(), keyName: 'ci', namespace: 'acme', scopes: ['jobs:write'], root: false };
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };
const now = new Date('2026-06-01T12:00:00Z');

function aJob(schedule: Record<string, unknown> | null, namespace = 'acme'): JobRecord {
  return {
    id: newId(),
    namespace,
    name: 'hourly',
    handler: 'noop',
    payload: {},
    queue: 'default',
    priority: 0,
    runAt: null,
    retry: {
      maxAttempts: 3,
      backoffType: 'EXPONENTIAL',
      backoffDelayMs: 1000,
      backoffMaxDelayMs: 60_000,
      backoffJitter: 0,
    },
    timeoutMs: 30_000,
    idempotencyKey: null,
    requestHash: null,
    status: 'PENDING',
    recurrence:
      schedule === null
        ? null
        : {
            schedule: toRecurringSchedule(schedule),
            state: 'ACTIVE',
            pausedUntil: null,
            pauseNote: null,
            nextRunAt: new Date('2026-06-01T13:00:00Z'),
            occurrenceCount: 0,
            ...DEFAULT_RECURRENCE_POLICY,
          },
    parent: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Recurring jobs in memory, as RecurringJobRepository changes them, with the audit entries written. */
class FakeRecurringJobs {
  readonly audit: NewAuditEntry[] = [];
  readonly backfilled: Date[][] = [];
  triggerResult: TriggerResult = { kind: 'refused' };

  constructor(private readonly jobs: JobRecord[]) {}

  updateRecurring(
    jobId: string,
    changes: { name?: string },
    _nextAfter: (after: Date) => Date | null,
    _now: Date,
    audit?: AuditOf<JobRecord>,
  ) {
    const job = this.jobs.find((row) => row.id === jobId);
    if (job === undefined || job.recurrence === null) {
      return Promise.resolve(false);
    }
    Object.assign(job, changes);
    if (audit !== undefined) {
      this.audit.push(audit(job));
    }
    return Promise.resolve(true);
  }

  setPaused(jobId: string, pause: { until: Date | null; note: string | null } | null, audit?: AuditOf<JobRecord>) {
    const job = this.jobs.find((row) => row.id === jobId);
    if (job === undefined || job.recurrence === null) {
      return Promise.resolve(false);
    }
    job.recurrence = {
      ...job.recurrence,
      state: pause === null ? 'ACTIVE' : 'PAUSED',
      pausedUntil: pause?.until ?? null,
      pauseNote: pause?.note ?? null,
    };
    if (audit !== undefined) {
      this.audit.push(audit(job));
    }
    return Promise.resolve(true);
  }

  trigger(_jobId: string, _now: Date, audit?: AuditOf<Exclude<TriggerResult, { kind: 'refused' }>>) {
    const result = this.triggerResult;
    if (result.kind !== 'refused' && audit !== undefined) {
      this.audit.push(audit(result));
    }
    return Promise.resolve(result);
  }

  backfill(
    _jobId: string,
    nominalTimes: Date[],
    options: { dryRun: boolean },
    _now: Date,
    audit?: AuditOf<BackfillItem[]>,
  ) {
    const items = nominalTimes.map((nominalTime): BackfillItem => ({
      nominalTime,
      result: 'backfilled',
      previousOutcome: null,
      executionId: options.dryRun ? null : newId(),
    }));
    if (!options.dryRun) {
      this.backfilled.push(nominalTimes);
    }
    if (audit !== undefined) {
      this.audit.push(audit(items));
    }
    return Promise.resolve(items);
  }
}

describe(SchedulesService.name, () => {
  let jobs: JobRecord[];
  let recurringJobs: FakeRecurringJobs;
  let cancels: { queue: string; ids: string[]; context: Record<string, unknown> }[];
  let sut: SchedulesService;

  beforeEach(() => {
    jobs = [];
    recurringJobs = new FakeRecurringJobs(jobs);
    cancels = [];
    /** JobsService's reads: a job of another namespace is as unknown as a missing one. */
    const get = (namespace: string, id: string): Promise<JobWithLatestExecution> => {
      const job = jobs.find((row) => row.id === id && row.namespace === namespace);
      return job === undefined
        ? Promise.reject(new JobNotFoundError(id))
        : Promise.resolve({ job: { ...job }, latestExecution: null });
    };
    const jobsService = { get, find: async (namespace: string, id: string) => (await get(namespace, id)).job };
    const cancellations = {
      afterCancelled: (queue: string, executions: readonly CancelledExecution[], context: Record<string, unknown>) => {
        cancels.push({ queue, ids: executions.map((execution) => execution.id), context });
        return Promise.resolve();
      },
    };
    sut = new SchedulesService(
      jobsService as unknown as JobsService,
      recurringJobs as unknown as RecurringJobRepository,
      {} as OccurrenceRepository,
      new HandlerRegistry([defineHandler('noop', z.unknown(), () => Promise.resolve(null))]),
      cancellations as unknown as CancellationService,
      silent as unknown as PinoLogger,
    );
  });

  const hourly = () => {
    const job = aJob({ cron: '0 * * * *', timezone: 'Europe/Berlin' });
    jobs.push(job);
    return job;
  };

  describe('upcoming', () => {
    it('should list the next nominal times with their local time', async () => {
      const job = hourly();

      const upcoming = await sut.upcoming('acme', job.id, 2, now);

      expect(upcoming).toEqual({
        timezone: 'Europe/Berlin',
        items: [
          { nominalTime: '2026-06-01T13:00:00.000Z', local: expect.stringContaining('15:00') },
          { nominalTime: '2026-06-01T14:00:00.000Z', local: expect.stringContaining('16:00') },
        ],
      });
    });
  });

  describe('update', () => {
    it('should change the job and record job.updated with the job before and after', async () => {
      const job = hourly();

      const updated = await sut.update('acme', job.id, { name: 'renamed' }, writer, now);

      expect(updated.name).toBe('renamed');
      expect(recurringJobs.audit).toEqual([
        expect.objectContaining({ action: 'job.updated', before: expect.objectContaining({ name: 'hourly' }) }),
      ]);
      expect(recurringJobs.audit[0]?.after).toMatchObject({ name: 'renamed' });
    });

    it('should answer JobNotRecurringError for a one-off job', async () => {
      const oneOff = aJob(null);
      jobs.push(oneOff);

      await expect(sut.update('acme', oneOff.id, { name: 'renamed' }, writer, now)).rejects.toThrow(
        JobNotRecurringError,
      );
    });
  });

  describe('pause', () => {
    it('should pause and record job.paused with the job before and after', async () => {
      const job = hourly();

      const paused = await sut.pause('acme', job.id, null, 'maintenance', writer);

      expect(paused.recurrence?.state).toBe('PAUSED');
      expect(recurringJobs.audit).toEqual([
        expect.objectContaining({
          action: 'job.paused',
          target: { type: 'job', id: job.id },
          before: expect.objectContaining({ schedule: expect.objectContaining({ state: 'ACTIVE' }) }),
          after: expect.objectContaining({ schedule: expect.objectContaining({ pauseNote: 'maintenance' }) }),
        }),
      ]);
    });

    it('should answer JobNotRecurringError for a one-off job', async () => {
      const oneOff = aJob(null);
      jobs.push(oneOff);

      await expect(sut.pause('acme', oneOff.id, null, null, writer)).rejects.toThrow(JobNotRecurringError);
    });

    it("should answer JobNotFoundError for another namespace's job", async () => {
      const theirs = aJob({ cron: '0 * * * *' }, 'other');
      jobs.push(theirs);

      await expect(sut.resume('acme', theirs.id, writer)).rejects.toThrow(JobNotFoundError);
      expect(recurringJobs.audit).toEqual([]);
    });
  });

  describe('trigger', () => {
    it('should cancel the runs it supersedes in Redis and record job.triggered', async () => {
      const job = hourly();
      const previous = newId();
      const executionId = newId();
      recurringJobs.triggerResult = {
        kind: 'started',
        executionId,
        superseded: { queue: 'default', executions: [{ id: previous, previousStatus: 'RUNNING' }] },
      };

      const outcome = await sut.trigger('acme', job.id, writer, now);

      expect(outcome).toEqual({ executionId, buffered: false, cancelled: [previous] });
      expect(cancels).toEqual([{ queue: 'default', ids: [previous], context: { jobId: job.id } }]);
      expect(recurringJobs.audit).toEqual([expect.objectContaining({ action: 'job.triggered', after: outcome })]);
    });

    it('should answer OverlapForbidsRunError when the overlap policy refuses a run', async () => {
      const job = hourly();

      await expect(sut.trigger('acme', job.id, writer, now)).rejects.toThrow(OverlapForbidsRunError);
      expect(recurringJobs.audit).toEqual([]);
    });
  });

  describe('backfill', () => {
    const range = { from: '2026-06-01T08:00:00Z', to: '2026-06-01T10:00:00Z', mode: 'sequential' as const };

    it("should run the range's occurrences and record job.backfilled", async () => {
      const job = hourly();

      const result = await sut.backfill('acme', job.id, { ...range, dryRun: false }, writer, now);

      expect(result).toMatchObject({ dryRun: false, backfilled: 3, deduplicated: 0 });
      expect(recurringJobs.backfilled).toHaveLength(1);
      expect(recurringJobs.audit).toEqual([expect.objectContaining({ action: 'job.backfilled' })]);
    });

    it('should write and record nothing in a dry run', async () => {
      const job = hourly();

      const result = await sut.backfill('acme', job.id, { ...range, dryRun: true }, writer, now);

      expect(result).toMatchObject({ dryRun: true, backfilled: 3 });
      expect(recurringJobs.backfilled).toEqual([]);
      expect(recurringJobs.audit).toEqual([]);
    });

    it('should refuse a range that ends in the future', async () => {
      const job = hourly();

      await expect(
        sut.backfill('acme', job.id, { ...range, to: '2026-06-01T13:00:00Z', dryRun: false }, writer, now),
      ).rejects.toThrow(ValidationError);
      expect(recurringJobs.backfilled).toEqual([]);
    });
  });
});

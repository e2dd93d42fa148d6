import type { MeridianConfig } from '@meridian/config';
import {
  type AuditOf,
  type ExecutionRecord,
  ExecutionRepository,
  type JobRecord,
  JobRepository,
  type JobWithLatestExecution,
  type NewAuditEntry,
  type NewBatchJob,
  type Page,
  parseRecurringSchedule,
  WorkflowRepository,
} from '@meridian/db';
import {
  JobNotCancellableError,
  JobNotFoundError,
  type JobSpec,
  newId,
  parseJobSpec,
  type Principal,
  UnknownQueueError,
  ValidationError,
} from '@meridian/domain';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { CONFIG } from '@meridian/runtime';
import { nextOccurrences } from '@meridian/schedule';
import { CancellationService, DependencySettler } from '@meridian/services';
import { activeTraceParent } from '@meridian/tracing';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { auditEntry } from '../audit/audit-entry.js';
import type { ReturnPreference } from '../common/prefer.js';
import { presentCreated } from './created-answer.js';
import { toJobView } from './dto/job.view.js';
import type { ListJobsQuery } from './dto/list-jobs.query.js';
import { createIdempotently, type EarlierCreateLookup, type Idempotency, storedKey } from './idempotency.js';

/** The audit entry of a job's create, from the job as stored; the create writes it with the job. */
type CreateAudit = (job: JobRecord, execution: ExecutionRecord | null) => NewAuditEntry;

export interface CreatedJob {
  job: JobRecord;
  execution: ExecutionRecord | null;
  /** True when an earlier request with the same Idempotency-Key created the job. */
  replayed: boolean;
}

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly handlers: HandlerRegistry,
    private readonly cancellations: CancellationService,
    private readonly workflows: WorkflowRepository,
    private readonly settler: DependencySettler,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(JobsService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Validates and stores a job with its first execution; the scheduler's relay enqueues it. With an
   * Idempotency-Key, a repeated request (also two racing ones) returns the job the first one made.
   * The audit entry (`job.created`, by `by`) is stored with the job and holds it as its answer shows
   * it (`preference`); a replay stores nothing, and so records nothing.
   */
  create(
    namespace: string,
    body: unknown,
    idempotencyKey: string | undefined,
    by: Principal,
    preference: ReturnPreference = 'representation',
  ): Promise<CreatedJob> {
    const audit: CreateAudit = (job, execution) =>
      auditEntry(by, 'job.created', { type: 'job', id: job.id }, null, presentCreated(job, execution, preference));
    return createIdempotently({
      idempotencyKey,
      body,
      validate: () => this.prepare(parseJobSpec(body, this.config.api, new Date())),
      lookup: this.earlierJob(namespace),
      store: (spec, idempotency) =>
        spec.dependsOn.length > 0
          ? this.createDependent(namespace, spec, idempotency, audit)
          : this.store(namespace, this.plan(spec), idempotency, audit),
    });
  }

  /**
   * Checks what depends on the deployment (the queue is served, the payload fits its handler's
   * schema) and returns the spec with its payload as the handler's schema normalised it.
   */
  prepare(spec: JobSpec): JobSpec {
    if (!this.config.queues.includes(spec.queue)) {
      throw new UnknownQueueError(spec.queue, this.config.queues);
    }
    return { ...spec, payload: this.handlers.parsePayload(spec.handler, spec.payload) };
  }

  /** A job that waits for existing jobs; see WorkflowRepository.createDependentJob. */
  private async createDependent(
    namespace: string,
    spec: JobSpec,
    idempotency: Idempotency | null,
    audit: CreateAudit,
  ): Promise<CreatedJob | null> {
    const jobId = newId();
    const created = await this.workflows.createDependentJob(
      {
        jobId,
        executionId: newId(),
        namespace,
        spec,
        dependsOn: spec.dependsOn,
        ...storedKey(idempotency),
      },
      new Date(),
      ({ job, latestExecution }) => audit(job, latestExecution),
    );
    switch (created.kind) {
      case 'created': {
        await this.settler.settle(created.unsettled);
        this.logger.info({ jobId, dependsOn: spec.dependsOn.map((d) => d.jobId) }, 'dependent job created');
        const { job, latestExecution } = await this.get(namespace, jobId);
        return { job, execution: latestExecution, replayed: false };
      }
      case 'invalid_dependencies': {
        throw new ValidationError(
          spec.dependsOn.flatMap(({ jobId: id }, index) => {
            const path = `dependsOn[${index}]`;
            if (created.unknown.includes(id)) {
              return [{ path, message: `no such job: ${id}`, code: 'unknown_dependency' }];
            }
            return created.recurring.includes(id)
              ? [{ path, message: `job ${id} is recurring and never ends`, code: 'recurring_dependency' }]
              : [];
          }),
        );
      }
      case 'idempotency_key_taken':
        return null;
    }
  }

  /**
   * What to store for a checked spec: a one-off job with its first execution, or a recurring job with
   * its schedule's first nominal time after `now`. A schedule that does not parse is a ValidationError.
   */
  plan(spec: JobSpec, now: Date = new Date()): NewBatchJob {
    const { recurrence } = spec;
    if (recurrence === null) {
      // The request's trace, stored with the execution so the relay and the worker continue it.
      return { kind: 'one_off', jobId: newId(), executionId: newId(), spec, traceParent: activeTraceParent() };
    }
    const schedule = parseRecurringSchedule(recurrence.schedule);
    const [firstRunAt] = nextOccurrences(schedule.schedule, now, 1);
    return {
      kind: 'recurring',
      jobId: newId(),
      spec,
      schedule,
      firstRunAt: firstRunAt ?? null,
      overlap: recurrence.overlap,
      catchUp: recurrence.catchUp,
    };
  }

  /** Stores one planned job (concurrent creates share a commit); null when its key was taken meanwhile. */
  private async store(
    namespace: string,
    planned: NewBatchJob,
    idempotency: Idempotency | null,
    audit: CreateAudit,
  ): Promise<CreatedJob | null> {
    const now = new Date();
    const auditOf = (stored: { job: JobRecord; execution: ExecutionRecord | null }) =>
      audit(stored.job, stored.execution);
    if (planned.kind === 'recurring') {
      const job = await this.jobs.createRecurring({ ...planned, namespace, ...storedKey(idempotency) }, now, auditOf);
      if (job === null) {
        return null;
      }
      this.logger.info({ jobId: job.id, nextRunAt: planned.firstRunAt }, 'recurring job created');
      return { job, execution: null, replayed: false };
    }
    const created = await this.jobs.createWithFirstExecution(
      { ...planned, namespace, ...storedKey(idempotency) },
      now,
      auditOf,
    );
    if (!created.created) {
      return null;
    }
    const { spec } = planned;
    this.logger.info({ jobId: created.job.id, handler: spec.handler, scheduledFor: spec.scheduledFor }, 'job created');
    return { job: created.job, execution: created.execution, replayed: false };
  }

  async get(namespace: string, id: string): Promise<{ job: JobRecord; latestExecution: ExecutionRecord | null }> {
    const found = await this.jobs.findWithLatestExecution(namespace, id);
    if (found === null) {
      throw new JobNotFoundError(id);
    }
    return found;
  }

  list(namespace: string, query: ListJobsQuery): Promise<Page<JobRecord>> {
    return this.jobs.list({
      namespace,
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.name === undefined ? {} : { name: query.name }),
      ...(query.handler === undefined ? {} : { handler: query.handler }),
      ...(query.queue === undefined ? {} : { queue: query.queue }),
      ...(query.recurring === undefined ? {} : { recurring: query.recurring }),
    });
  }

  async listExecutions(
    namespace: string,
    id: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<ExecutionRecord>> {
    const job = await this.find(namespace, id);
    return this.executions.listByJob(job.id, cursor, limit);
  }

  /**
   * Cancels what has not finished: a queued execution leaves the queue, a running one is signalled.
   * Records `job.cancelled` by `by` with the cancel.
   */
  async cancel(namespace: string, id: string, by: Principal): Promise<JobRecord> {
    const { job, latestExecution } = await this.get(namespace, id);
    const before = toJobView(job, latestExecution);
    const cancelled = await this.stopExecutions(job, ({ job: after }) =>
      auditEntry(by, 'job.cancelled', { type: 'job', id: job.id }, before, toJobView(after)),
    );
    if (cancelled.length === 0) {
      throw new JobNotCancellableError(job.id, job.status);
    }
    return this.find(namespace, id);
  }

  /**
   * Deletes a job and its history, cancelling whatever of it is still queued or running. Jobs that
   * depend on it count its end first (a cancelled dependency, so they are skipped unless their edge
   * says continue). Records `job.deleted` by `by` with the delete, whatever the request's body says.
   */
  async delete(namespace: string, id: string, by: Principal): Promise<void> {
    const { job, latestExecution } = await this.get(namespace, id);
    const before = toJobView(job, latestExecution);
    const stopped = await this.stopExecutions(job);
    // An execution that had already ended may not have been counted by its dependents yet.
    const latest = await this.executions.findLatestByJob(job.id);
    if (latest !== null && !stopped.includes(latest.id)) {
      await this.settler.settle([latest.id]);
    }
    await this.jobs.delete(namespace, job.id, auditEntry(by, 'job.deleted', { type: 'job', id: job.id }, before, null));
    this.logger.info({ jobId: job.id }, 'job deleted');
  }

  /**
   * Cancels the job's unfinished executions in Postgres, with `audit`'s entry if it cancelled any,
   * then tells Redis and their dependents (see CancellationService). Returns the ids of the
   * executions it cancelled (and settled).
   */
  private async stopExecutions(job: JobRecord, audit?: AuditOf<JobWithLatestExecution>): Promise<string[]> {
    const cancelled = await this.executions.cancelByJob(
      job.id,
      new Date(),
      audit === undefined ? undefined : { namespace: job.namespace, entry: audit },
    );
    await this.cancellations.afterCancelled(job.queue, cancelled, { jobId: job.id });
    return cancelled.map((execution) => execution.id);
  }

  /** The job `id` of `namespace`; a job of another namespace is as unknown as a missing one. */
  async find(namespace: string, id: string): Promise<JobRecord> {
    return (await this.get(namespace, id)).job;
  }

  /** The job an Idempotency-Key made in `namespace`, as a create with that key answers it again. */
  private earlierJob(namespace: string): EarlierCreateLookup<CreatedJob> {
    return async (key) => {
      const job = await this.jobs.findByIdempotencyKey(namespace, key);
      if (job === null) {
        return null;
      }
      return {
        requestHash: job.requestHash,
        answer: async () => ({ job, execution: await this.executions.findLatestByJob(job.id), replayed: true }),
      };
    };
  }
}

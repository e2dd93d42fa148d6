import { createHash } from 'node:crypto';

import type { MeridianConfig } from '@meridian/config';
import {
  type ExecutionRecord,
  ExecutionRepository,
  type JobRecord,
  JobRepository,
  type Page,
  WorkflowRepository,
} from '@meridian/db';
import {
  type ExecutionStatus,
  IdempotencyKeyReusedError,
  isUuid,
  JobNotCancellableError,
  JobNotFoundError,
  type JobSpec,
  newId,
  parseJobSpec,
  UnknownQueueError,
  ValidationError,
} from '@meridian/domain';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { CancellationNotifier } from '@meridian/queue';
import { CONFIG, DependencySettler } from '@meridian/runtime';
import { nextOccurrences, parseSchedule } from '@meridian/schedule';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import type { ListJobsQuery } from './dto/list-jobs.query.js';

export interface CreatedJob {
  job: JobRecord;
  execution: ExecutionRecord | null;
  /** True when an earlier request with the same Idempotency-Key created the job. */
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly handlers: HandlerRegistry,
    private readonly cancellations: CancellationNotifier,
    private readonly workflows: WorkflowRepository,
    private readonly settler: DependencySettler,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(JobsService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Validates and stores a job with its first execution; the scheduler's relay enqueues it. With an
   * Idempotency-Key, a repeated request (also two racing ones) returns the job the first one made.
   */
  async create(namespace: string, body: unknown, idempotencyKey: string | undefined): Promise<CreatedJob> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationError([
        {
          path: 'header.Idempotency-Key',
          message: 'must be 1 to 255 printable ASCII characters',
          code: 'invalid_string',
        },
      ]);
    }
    const spec = this.prepare(parseJobSpec(body, this.config.api, new Date()));
    const requestHash = idempotencyKey === undefined ? null : fingerprint(body);
    if (idempotencyKey !== undefined) {
      const earlier = await this.replay(namespace, idempotencyKey, requestHash);
      if (earlier !== null) {
        return earlier;
      }
    }
    if (spec.recurrence !== null) {
      return this.createRecurring(namespace, spec, spec.recurrence, idempotencyKey ?? null, requestHash);
    }
    if (spec.dependsOn.length > 0) {
      return this.createDependent(namespace, spec, idempotencyKey ?? null, requestHash);
    }
    const created = await this.jobs.createWithFirstExecution({
      jobId: newId(),
      executionId: newId(),
      namespace,
      spec,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
    });
    if (created.created) {
      this.logger.info(
        { jobId: created.job.id, handler: spec.handler, scheduledFor: spec.scheduledFor },
        'job created',
      );
      return { job: created.job, execution: created.execution, replayed: false };
    }
    // Lost a race with an identical request: the winner's job is the answer.
    const winner = idempotencyKey === undefined ? null : await this.replay(namespace, idempotencyKey, requestHash);
    if (winner === null) {
      throw new IdempotencyKeyReusedError(idempotencyKey ?? '');
    }
    return winner;
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
    idempotencyKey: string | null,
    requestHash: string | null,
  ): Promise<CreatedJob> {
    const jobId = newId();
    const created = await this.workflows.createDependentJob({
      jobId,
      executionId: newId(),
      namespace,
      spec,
      dependsOn: spec.dependsOn,
      idempotencyKey,
      requestHash,
    });
    switch (created.kind) {
      case 'created': {
        await this.settler.settle(created.unsettled);
        this.logger.info({ jobId, dependsOn: spec.dependsOn.map((d) => d.jobId) }, 'dependent job created');
        const job = await this.find(namespace, jobId);
        return { job, execution: await this.executions.findLatestByJob(jobId), replayed: false };
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
      case 'idempotency_key_taken': {
        const winner = idempotencyKey === null ? null : await this.replay(namespace, idempotencyKey, requestHash);
        if (winner === null) {
          throw new IdempotencyKeyReusedError(idempotencyKey ?? '');
        }
        return winner;
      }
    }
  }

  private async createRecurring(
    namespace: string,
    spec: JobSpec,
    recurrence: NonNullable<JobSpec['recurrence']>,
    idempotencyKey: string | null,
    requestHash: string | null,
  ): Promise<CreatedJob> {
    const { schedule } = parseSchedule(recurrence.schedule);
    const [firstRunAt] = nextOccurrences(schedule, new Date(), 1);
    const job = await this.jobs.createRecurring({
      jobId: newId(),
      namespace,
      spec,
      schedule: recurrence.schedule,
      firstRunAt: firstRunAt ?? null,
      overlap: recurrence.overlap,
      catchUp: recurrence.catchUp,
      idempotencyKey,
      requestHash,
    });
    if (job !== null) {
      this.logger.info({ jobId: job.id, nextRunAt: firstRunAt }, 'recurring job created');
      return { job, execution: null, replayed: false };
    }
    const winner = idempotencyKey === null ? null : await this.replay(namespace, idempotencyKey, requestHash);
    if (winner === null) {
      throw new IdempotencyKeyReusedError(idempotencyKey ?? '');
    }
    return winner;
  }

  async get(namespace: string, id: string): Promise<{ job: JobRecord; latestExecution: ExecutionRecord | null }> {
    const job = await this.find(namespace, id);
    return { job, latestExecution: await this.executions.findLatestByJob(job.id) };
  }

  list(namespace: string, query: ListJobsQuery): Promise<Page<JobRecord>> {
    return this.jobs.list({
      namespace,
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.status === undefined ? {} : { status: query.status as ExecutionStatus }),
      ...(query.name === undefined ? {} : { name: query.name }),
      ...(query.queue === undefined ? {} : { queue: query.queue }),
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

  /** Cancels what has not finished: a queued execution leaves the queue, a running one is signalled. */
  async cancel(namespace: string, id: string): Promise<JobRecord> {
    const job = await this.find(namespace, id);
    const cancelled = await this.stopExecutions(job);
    if (cancelled.length === 0) {
      throw new JobNotCancellableError(job.id, job.status);
    }
    return this.find(namespace, id);
  }

  /**
   * Deletes a job and its history, cancelling whatever of it is still queued or running. Jobs that
   * depend on it count its end first (a cancelled dependency, so they are skipped unless their edge
   * says continue).
   */
  async delete(namespace: string, id: string): Promise<void> {
    const job = await this.find(namespace, id);
    const stopped = await this.stopExecutions(job);
    // An execution that had already ended may not have been counted by its dependents yet.
    const latest = await this.executions.findLatestByJob(job.id);
    if (latest !== null && !stopped.includes(latest.id)) {
      await this.settler.settle([latest.id]);
    }
    await this.jobs.delete(namespace, job.id);
    this.logger.info({ jobId: job.id }, 'job deleted');
  }

  /** Cancels the job's unfinished executions in Postgres, then tells Redis (see CancellationNotifier). */
  /** Returns the ids of the executions it cancelled (and settled). */
  private async stopExecutions(job: JobRecord): Promise<string[]> {
    const cancelled = await this.executions.cancelByJob(job.id, new Date());
    await this.cancellations.notify(job.queue, cancelled, this.logger.logger.child({ jobId: job.id }));
    const ids = cancelled.map((execution) => execution.id);
    await this.settler.settle(ids);
    return ids;
  }

  /** The job `id` of `namespace`; a job of another namespace is as unknown as a missing one. */
  async find(namespace: string, id: string): Promise<JobRecord> {
    const job = isUuid(id) ? await this.jobs.findById(namespace, id) : null;
    if (job === null) {
      throw new JobNotFoundError(id);
    }
    return job;
  }

  private async replay(
    namespace: string,
    idempotencyKey: string,
    requestHash: string | null,
  ): Promise<CreatedJob | null> {
    const job = await this.jobs.findByIdempotencyKey(namespace, idempotencyKey);
    if (job === null) {
      return null;
    }
    if (job.requestHash !== requestHash) {
      throw new IdempotencyKeyReusedError(idempotencyKey);
    }
    return { job, execution: await this.executions.findLatestByJob(job.id), replayed: true };
  }
}

/** Fingerprint of a request body, independent of key order. */
function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

import {
  ExecutionStatus,
  type ExecutionStatus as Status,
  InvariantViolationError,
  type JobSpec,
} from '@meridian/domain';

import { Prisma } from '../generated/client/index.js';
import { toExecutionRecord, toJobRecord } from './mappers.js';
import { decodeCursor, toPage } from './pagination.js';
import type { Database } from './prisma-client.factory.js';
import type { ExecutionRecord, JobRecord, Page } from './records.js';

export interface NewJob {
  jobId: string;
  executionId: string;
  namespace: string;
  spec: JobSpec;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export type CreateJobResult =
  { created: true; job: JobRecord; execution: ExecutionRecord } | { created: false; reason: 'idempotency_key_taken' };

export interface JobFilter {
  namespace: string;
  status?: Status;
  name?: string;
  queue?: string;
  cursor?: string;
  limit: number;
}

export class JobRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a job, its first execution (PENDING) and the outbox row that gets it to BullMQ, in one
   * transaction. The client is answered after this commits and never waits for Redis.
   */
  async createWithFirstExecution(input: NewJob): Promise<CreateJobResult> {
    const { spec } = input;
    try {
      const row = await this.db.job.create({
        data: {
          id: input.jobId,
          namespace: input.namespace,
          name: spec.name,
          handler: spec.handler,
          payload: spec.payload as Prisma.InputJsonValue,
          queue: spec.queue,
          priority: spec.priority,
          runAt: spec.runAt,
          maxAttempts: spec.retry.maxAttempts,
          backoffType: spec.retry.backoffType,
          backoffDelayMs: spec.retry.backoffDelayMs,
          backoffMaxDelayMs: spec.retry.backoffMaxDelayMs,
          backoffJitter: spec.retry.backoffJitter,
          timeoutMs: spec.timeoutMs,
          idempotencyKey: input.idempotencyKey,
          requestHash: input.requestHash,
          status: ExecutionStatus.Pending,
          executions: {
            create: {
              id: input.executionId,
              namespace: input.namespace,
              status: ExecutionStatus.Pending,
              scheduledFor: spec.scheduledFor,
              outbox: { create: { kind: 'ENQUEUE_EXECUTION' } },
            },
          },
        },
        include: { executions: true },
      });
      const execution = row.executions[0];
      if (execution === undefined) {
        throw new InvariantViolationError('job created without its execution');
      }
      return { created: true, job: toJobRecord(row), execution: toExecutionRecord(execution) };
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        return { created: false, reason: 'idempotency_key_taken' };
      }
      throw error;
    }
  }

  async findById(namespace: string, id: string): Promise<JobRecord | null> {
    const row = await this.db.job.findFirst({ where: { id, namespace } });
    return row === null ? null : toJobRecord(row);
  }

  async findByIdempotencyKey(namespace: string, idempotencyKey: string): Promise<JobRecord | null> {
    const row = await this.db.job.findUnique({ where: { namespace_idempotencyKey: { namespace, idempotencyKey } } });
    return row === null ? null : toJobRecord(row);
  }

  /** Newest first; each filter combination is served by a (namespace, column, id) index. */
  async list(filter: JobFilter): Promise<Page<JobRecord>> {
    const after = decodeCursor(filter.cursor);
    const rows = await this.db.job.findMany({
      where: {
        namespace: filter.namespace,
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(filter.name === undefined ? {} : { name: filter.name }),
        ...(filter.queue === undefined ? {} : { queue: filter.queue }),
        ...(after === undefined ? {} : { id: { lt: after } }),
      },
      orderBy: { id: 'desc' },
      take: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toJobRecord);
  }

  /** Deletes the job with its executions, attempts and outbox rows. */
  async delete(namespace: string, id: string): Promise<boolean> {
    const { count } = await this.db.job.deleteMany({ where: { id, namespace } });
    return count > 0;
  }
}

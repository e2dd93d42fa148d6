import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type {
  AuditOf,
  CancelledExecution,
  CreatedJobRecords,
  ExecutionRecord,
  ExecutionRepository,
  JobRecord,
  JobRepository,
  JobWithLatestExecution,
  NewAuditEntry,
  NewJobInput,
  WorkflowRepository,
} from '@meridian/db';
import {
  IdempotencyKeyReusedError,
  JobNotCancellableError,
  JobNotFoundError,
  newId,
  type Principal,
  UnknownQueueError,
  ValidationError,
} from '@meridian/domain';
import { defineHandler, HandlerRegistry } from '@meridian/handler-sdk';
import type { CancellationService, DependencySettler } from '@meridian/services';
import type { PinoLogger } from 'nestjs-pino';
import { z } from 'zod';

import { JobsService } from './jobs.service.js';

const writer: Principal = { keyId: newId(), keyName: 'ci', namespace: 'acme', scopes: ['jobs:write'], root: false };
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/**
 * Jobs and their executions in memory, as JobRepository and ExecutionRepository keep them: one
 * job per Idempotency-Key in a namespace, audit entries written with the change they record.
 */
class FakeJobStore {
  readonly jobs: JobRecord[] = [];
  readonly executions: ExecutionRecord[] = [];
  readonly audit: NewAuditEntry[] = [];
  readonly deleted: string[] = [];
  /** Lookups by Idempotency-Key that still miss a job stored meanwhile (a racing twin's). */
  staleKeyReads = 0;

  createWithFirstExecution(input: NewJobInput, now: Date, audit?: AuditOf<CreatedJobRecords>) {
    if (input.idempotencyKey !== null && this.byKey(input.namespace, input.idempotencyKey) !== undefined) {
      return Promise.resolve({ created: false as const, reason: 'idempotency_key_taken' as const });
    }
    const { spec } = input;
    const job: JobRecord = {
      id: input.jobId,
      namespace: input.namespace,
      name: spec.name,
      handler: spec.handler,
      payload: spec.payload,
      queue: spec.queue,
      priority: spec.priority,
      runAt: spec.runAt,
      retry: spec.retry,
      timeoutMs: spec.timeoutMs,
      idempotencyKey: input.idempotencyKey,
      requestHash: input.requestHash,
      status: 'PENDING',
      recurrence: null,
      parent: null,
      createdAt: now,
      updatedAt: now,
    };
    const execution = anExecution(job, 'PENDING');
    execution.id = input.executionId;
    this.jobs.push(job);
    this.executions.push(execution);
    if (audit !== undefined) {
      this.audit.push(audit({ job, execution }));
    }
    return Promise.resolve({ created: true as const, job, execution });
  }

  findByIdempotencyKey(namespace: string, key: string) {
    if (this.staleKeyReads > 0) {
      this.staleKeyReads -= 1;
      return Promise.resolve(null);
    }
    return Promise.resolve(this.byKey(namespace, key) ?? null);
  }

  findWithLatestExecution(namespace: string, id: string): Promise<JobWithLatestExecution | null> {
    const job = this.jobs.find((row) => row.id === id && row.namespace === namespace);
    return Promise.resolve(job === undefined ? null : { job, latestExecution: this.latestOf(job.id) });
  }

  findLatestByJob(jobId: string) {
    return Promise.resolve(this.latestOf(jobId));
  }

  cancelByJob(jobId: string, now: Date, audit?: { namespace: string; entry: AuditOf<JobWithLatestExecution> }) {
    const cancelled: CancelledExecution[] = [];
    for (const execution of this.executions.filter((row) => row.jobId === jobId)) {
      if (execution.status === 'PENDING' || execution.status === 'QUEUED' || execution.status === 'RUNNING') {
        cancelled.push({ id: execution.id, previousStatus: execution.status });
        Object.assign(execution, { status: 'CANCELLED', finishedAt: now });
      }
    }
    const job = this.jobs.find((row) => row.id === jobId);
    if (job !== undefined && cancelled.length > 0) {
      job.status = 'CANCELLED';
      if (audit !== undefined) {
        this.audit.push(audit.entry({ job, latestExecution: this.latestOf(jobId) }));
      }
    }
    return Promise.resolve(cancelled);
  }

  delete(namespace: string, id: string, audit?: NewAuditEntry) {
    this.deleted.push(id);
    if (audit !== undefined) {
      this.audit.push(audit);
    }
    return Promise.resolve(true);
  }

  private byKey(namespace: string, key: string) {
    return this.jobs.find((row) => row.namespace === namespace && row.idempotencyKey === key);
  }

  private latestOf(jobId: string) {
    return this.executions.filter((row) => row.jobId === jobId).at(-1) ?? null;
  }
}

function anExecution(job: JobRecord, status: ExecutionRecord['status']): ExecutionRecord {
  return {
    id: newId(),
    jobId: job.id,
    namespace: job.namespace,
    status,
    attempt: 0,
    scheduledFor: job.createdAt,
    nominalTime: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    workerId: null,
    result: null,
    lastError: null,
    parkedAt: null,
    createdAt: job.createdAt,
    updatedAt: job.createdAt,
  };
}

describe(JobsService.name, () => {
  let store: FakeJobStore;
  let cancels: { queue: string; ids: string[]; context: Record<string, unknown> }[];
  let settled: string[];
  let sut: JobsService;

  beforeEach(() => {
    store = new FakeJobStore();
    cancels = [];
    settled = [];
    const cancellations = {
      afterCancelled: (queue: string, executions: readonly CancelledExecution[], context: Record<string, unknown>) => {
        cancels.push({ queue, ids: executions.map((execution) => execution.id), context });
        return Promise.resolve();
      },
    };
    const settler = {
      settle: (ids: readonly string[]) => {
        settled.push(...ids);
        return Promise.resolve();
      },
    };
    sut = new JobsService(
      store as unknown as JobRepository,
      store as unknown as ExecutionRepository,
      new HandlerRegistry([defineHandler('noop', z.unknown(), () => Promise.resolve(null))]),
      cancellations as unknown as CancellationService,
      {} as WorkflowRepository,
      settler as unknown as DependencySettler,
      loadConfig({}),
      silent as unknown as PinoLogger,
    );
  });

  const body = { name: 'report', handler: 'noop', payload: { day: 1 } };

  describe('create', () => {
    it('should store the job with its first execution and record job.created as the answer shows it', async () => {
      const created = await sut.create('acme', body, undefined, writer);

      expect(created).toMatchObject({ job: { name: 'report', namespace: 'acme' }, replayed: false });
      expect(created.execution?.status).toBe('PENDING');
      expect(store.audit).toEqual([
        {
          namespace: 'acme',
          actor: { keyId: writer.keyId, name: 'ci' },
          action: 'job.created',
          target: { type: 'job', id: created.job.id },
          before: null,
          after: expect.objectContaining({ id: created.job.id, latestExecution: expect.any(Object) }),
        },
      ]);
    });

    it('should record a minimal answer when the client prefers one', async () => {
      const created = await sut.create('acme', body, undefined, writer, 'minimal');

      expect(store.audit[0]?.after).toEqual({ id: created.job.id, status: 'PENDING' });
    });

    it('should replay the first create for the same Idempotency-Key and body, storing nothing more', async () => {
      const first = await sut.create('acme', body, 'key-1', writer);
      const again = await sut.create('acme', { payload: { day: 1 }, handler: 'noop', name: 'report' }, 'key-1', writer);

      expect(again).toMatchObject({ job: { id: first.job.id }, replayed: true });
      expect(store.jobs).toHaveLength(1);
      expect(store.audit).toHaveLength(1);
    });

    it('should refuse the same Idempotency-Key with another body', async () => {
      await sut.create('acme', body, 'key-1', writer);

      await expect(sut.create('acme', { ...body, name: 'other' }, 'key-1', writer)).rejects.toThrow(
        new IdempotencyKeyReusedError('key-1'),
      );
      expect(store.jobs).toHaveLength(1);
    });

    it('should answer as the racing twin that took the Idempotency-Key first', async () => {
      const twin = await sut.create('acme', body, 'key-1', writer);
      store.staleKeyReads = 1;

      const loser = await sut.create('acme', body, 'key-1', writer);

      expect(loser).toMatchObject({ job: { id: twin.job.id }, replayed: true });
      expect(store.jobs).toHaveLength(1);
    });

    it('should keep Idempotency-Keys apart by namespace', async () => {
      const ours = await sut.create('acme', body, 'key-1', writer);
      const theirs = await sut.create('other', body, 'key-1', { ...writer, namespace: 'other' });

      expect(theirs.replayed).toBe(false);
      expect(theirs.job.id).not.toBe(ours.job.id);
    });

    it('should refuse an Idempotency-Key that is not printable ASCII before reading the body', async () => {
      await expect(sut.create('acme', { handler: 42 }, 'key with spaces', writer)).rejects.toThrow(ValidationError);
      expect(store.jobs).toEqual([]);
    });

    it('should refuse a queue the deployment does not serve', async () => {
      await expect(sut.create('acme', { ...body, queue: 'elsewhere' }, undefined, writer)).rejects.toThrow(
        UnknownQueueError,
      );
    });
  });

  describe('get', () => {
    it("should answer JobNotFoundError for another namespace's job", async () => {
      const { job } = await sut.create('other', body, undefined, { ...writer, namespace: 'other' });

      await expect(sut.get('acme', job.id)).rejects.toThrow(new JobNotFoundError(job.id));
    });
  });

  describe('cancel', () => {
    it('should cancel the pending execution, tell Redis and its dependents, and record job.cancelled', async () => {
      const { job, execution } = await sut.create('acme', body, undefined, writer);

      const cancelled = await sut.cancel('acme', job.id, writer);

      expect(cancelled.status).toBe('CANCELLED');
      expect(cancels).toEqual([{ queue: 'default', ids: [execution?.id], context: { jobId: job.id } }]);
      expect(store.audit.at(-1)).toMatchObject({
        action: 'job.cancelled',
        target: { type: 'job', id: job.id },
        before: { status: 'PENDING' },
        after: { status: 'CANCELLED' },
      });
    });

    it('should answer JobNotCancellableError when nothing is left to cancel, recording nothing', async () => {
      const { job } = await sut.create('acme', body, undefined, writer);
      await sut.cancel('acme', job.id, writer);
      const entries = store.audit.length;

      await expect(sut.cancel('acme', job.id, writer)).rejects.toThrow(JobNotCancellableError);
      expect(store.audit).toHaveLength(entries);
    });
  });

  describe('delete', () => {
    it('should stop what runs, delete the job and record job.deleted with the job before', async () => {
      const { job, execution } = await sut.create('acme', body, undefined, writer);

      await sut.delete('acme', job.id, writer);

      expect(cancels.map((cancel) => cancel.ids)).toEqual([[execution?.id]]);
      expect(store.deleted).toEqual([job.id]);
      expect(store.audit.at(-1)).toMatchObject({
        action: 'job.deleted',
        target: { type: 'job', id: job.id },
        before: { id: job.id, status: 'PENDING' },
        after: null,
      });
    });

    it('should let dependents count an execution that had already ended', async () => {
      const { job, execution } = await sut.create('acme', body, undefined, writer);
      Object.assign(store.executions[0] ?? {}, { status: 'SUCCEEDED' });

      await sut.delete('acme', job.id, writer);

      expect(settled).toEqual([execution?.id]);
    });
  });
});

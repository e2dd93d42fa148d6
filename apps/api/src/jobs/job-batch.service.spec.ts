import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type {
  AuditOf,
  ExecutionRecord,
  ExecutionRepository,
  JobRecord,
  JobRepository,
  NewAuditEntry,
  NewJobBatch,
  StoredBatch,
  WorkflowRepository,
} from '@meridian/db';
import { newId, type Principal, ValidationError } from '@meridian/domain';
import { defineHandler, HandlerRegistry } from '@meridian/handler-sdk';
import type { CancellationService, DependencySettler } from '@meridian/services';
import type { PinoLogger } from 'nestjs-pino';
import { z } from 'zod';

import { JobBatchService } from './job-batch.service.js';
import { JobsService } from './jobs.service.js';

const writer: Principal = { keyId: newId(), keyName: 'ci', namespace: 'acme', scopes: ['jobs:write'], root: false };
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/** Batches in memory: all of a batch's jobs stored at once, one batch per Idempotency-Key. */
class FakeBatches {
  readonly jobs: JobRecord[] = [];
  readonly batches = new Map<string, StoredBatch>();
  readonly audit: NewAuditEntry[] = [];

  createBatch(batch: NewJobBatch, now: Date, audit?: AuditOf<{ jobIds: string[] }>) {
    if (batch.idempotencyKey !== null && this.batches.has(batch.idempotencyKey)) {
      return Promise.resolve({ created: false as const, reason: 'idempotency_key_taken' as const });
    }
    const stored = batch.jobs.map((planned) => {
      const job = { id: planned.jobId, namespace: batch.namespace, name: planned.spec.name, createdAt: now };
      return { job: job as JobRecord, execution: null as ExecutionRecord | null };
    });
    const jobIds = stored.map(({ job }) => job.id);
    this.jobs.push(...stored.map(({ job }) => job));
    if (batch.idempotencyKey !== null) {
      this.batches.set(batch.idempotencyKey, { requestHash: batch.requestHash ?? '', jobIds });
    }
    if (audit !== undefined) {
      this.audit.push(audit({ jobIds }));
    }
    return Promise.resolve({ created: true as const, jobs: stored });
  }

  findBatchByIdempotencyKey(_namespace: string, key: string) {
    return Promise.resolve(this.batches.get(key) ?? null);
  }

  findManyWithLatestExecution(_namespace: string, ids: readonly string[]) {
    return Promise.resolve(
      ids.map((id) => ({ job: this.jobs.find((job) => job.id === id) as JobRecord, latestExecution: null })),
    );
  }
}

describe(JobBatchService.name, () => {
  let batches: FakeBatches;
  let sut: JobBatchService;

  beforeEach(() => {
    batches = new FakeBatches();
    const config = loadConfig({});
    const jobs = new JobsService(
      batches as unknown as JobRepository,
      {} as ExecutionRepository,
      new HandlerRegistry([defineHandler('noop', z.unknown(), () => Promise.resolve(null))]),
      {} as CancellationService,
      {} as WorkflowRepository,
      {} as DependencySettler,
      config,
      silent as unknown as PinoLogger,
    );
    sut = new JobBatchService(jobs, batches as unknown as JobRepository, config, silent as unknown as PinoLogger);
  });

  const body = {
    jobs: [
      { name: 'a', handler: 'noop' },
      { name: 'b', handler: 'noop', schedule: { every: '1h' } },
    ],
  };

  it('should store every job in request order and record one job.batch_created listing them', async () => {
    const created = await sut.create('acme', body, undefined, writer);

    const jobIds = created.jobs.map(({ job }) => job.id);
    expect(created.jobs.map(({ job }) => job.name)).toEqual(['a', 'b']);
    expect(batches.audit).toEqual([
      expect.objectContaining({
        action: 'job.batch_created',
        target: { type: 'namespace', id: 'acme' },
        after: { jobIds },
      }),
    ]);
  });

  it('should name the problems of every bad job by its index, and store nothing', async () => {
    const bad = {
      jobs: [{ name: 'a', handler: 'noop' }, { handler: 'noop' }, { name: 'c', handler: 'noop', dependsOn: [] }],
    };

    const refusal = await sut.create('acme', bad, undefined, writer).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).issues.map((issue) => issue.path)).toEqual([
      'jobs[1].name',
      'jobs[2].dependsOn',
    ]);
    expect(batches.jobs).toEqual([]);
  });

  it('should replay the batch an Idempotency-Key made, storing nothing more', async () => {
    const first = await sut.create('acme', body, 'batch-1', writer);

    const again = await sut.create('acme', body, 'batch-1', writer);

    expect(again.replayed).toBe(true);
    expect(again.jobs.map(({ job }) => job.id)).toEqual(first.jobs.map(({ job }) => job.id));
    expect(batches.jobs).toHaveLength(2);
    expect(batches.audit).toHaveLength(1);
  });
});

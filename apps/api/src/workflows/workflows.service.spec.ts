import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { AuditOf, CancelledExecutions, NewAuditEntry, WorkflowRecord, WorkflowRepository } from '@meridian/db';
import {
  type JobSpec,
  newId,
  type Principal,
  UnknownQueueError,
  ValidationError,
  WorkflowNotCancellableError,
  WorkflowNotFoundError,
  type WorkflowSpec,
} from '@meridian/domain';
import type { CancellationService } from '@meridian/services';
import type { PinoLogger } from 'nestjs-pino';

import type { JobsService } from '../jobs/jobs.service.js';
import { WorkflowsService } from './workflows.service.js';

const writer: Principal = { keyId: newId(), keyName: 'ci', namespace: 'acme', scopes: ['jobs:write'], root: false };
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/** Workflows in memory; a cancel cancels every job not ended, once. */
class FakeWorkflows {
  readonly workflows: WorkflowRecord[] = [];
  readonly audit: NewAuditEntry[] = [];

  create(namespace: string, spec: WorkflowSpec, now: Date, audit?: AuditOf<WorkflowRecord>) {
    const workflow: WorkflowRecord = {
      id: newId(),
      namespace,
      name: spec.name,
      failurePolicy: spec.failurePolicy,
      status: 'RUNNING',
      cancelledAt: null,
      failedAt: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      jobCounts: {
        total: spec.nodes.length,
        blocked: spec.nodes.filter((node) => node.dependsOn.length > 0).length,
        queued: spec.nodes.filter((node) => node.dependsOn.length === 0).length,
        running: 0,
        succeeded: 0,
        dead: 0,
        cancelled: 0,
        skipped: 0,
      },
      jobs: spec.nodes.map((node) => ({
        key: node.key,
        jobId: newId(),
        name: node.job.name,
        handler: node.job.handler,
        execution: {
          id: newId(),
          status: node.dependsOn.length === 0 ? 'PENDING' : 'BLOCKED',
          attempt: 0,
          scheduledFor: now,
          startedAt: null,
          finishedAt: null,
          result: null,
          lastError: null,
        },
      })),
      edges: spec.nodes.flatMap((node) =>
        node.dependsOn.map((edge) => ({ from: edge.key, to: node.key, onFailure: edge.onFailure ?? 'skip' })),
      ),
    };
    this.workflows.push(workflow);
    if (audit !== undefined) {
      this.audit.push(audit(workflow));
    }
    return Promise.resolve(workflow);
  }

  /** Newest first, `limit` at a time after the cursor (an index into the newest-first list). */
  list(filter: { namespace: string; status?: string; cursor?: string; limit: number }) {
    const matching = this.workflows
      .filter((row) => row.namespace === filter.namespace && (filter.status ?? row.status) === row.status)
      .reverse();
    const start = filter.cursor === undefined ? 0 : Number(filter.cursor);
    const items = matching.slice(start, start + filter.limit);
    const nextCursor = start + filter.limit < matching.length ? String(start + filter.limit) : null;
    return Promise.resolve({ items, nextCursor });
  }

  find(namespace: string, id: string) {
    return Promise.resolve(this.workflows.find((row) => row.id === id && row.namespace === namespace) ?? null);
  }

  cancel(namespace: string, id: string, now: Date, audit?: AuditOf<WorkflowRecord>) {
    const workflow = this.workflows.find((row) => row.id === id && row.namespace === namespace);
    if (workflow === undefined) {
      return Promise.resolve('not_found' as const);
    }
    if (workflow.cancelledAt !== null) {
      return Promise.resolve('not_cancellable' as const);
    }
    workflow.cancelledAt = now;
    workflow.status = 'CANCELLED';
    workflow.finishedAt = now;
    workflow.jobCounts = { ...workflow.jobCounts, blocked: 0, queued: 0, cancelled: workflow.jobs.length };
    const executions = workflow.jobs.map((job) => {
      const previousStatus = job.execution.status;
      Object.assign(job.execution, { status: 'CANCELLED', finishedAt: now });
      return { id: job.execution.id, previousStatus };
    });
    if (audit !== undefined) {
      this.audit.push(audit(workflow));
    }
    const cancelled: CancelledExecutions[] = [{ queue: 'default', executions }];
    return Promise.resolve(cancelled);
  }
}

describe(WorkflowsService.name, () => {
  let workflows: FakeWorkflows;
  let cancels: { queue: string; count: number; context: Record<string, unknown> }[];
  let sut: WorkflowsService;

  beforeEach(() => {
    workflows = new FakeWorkflows();
    cancels = [];
    const config = loadConfig({});
    /** The deployment checks of JobsService.prepare: the queue is served. */
    const jobs = {
      prepare: (spec: JobSpec) => {
        if (!config.queues.includes(spec.queue)) {
          throw new UnknownQueueError(spec.queue, config.queues);
        }
        return spec;
      },
    };
    const cancellations = {
      afterCancelled: (queue: string, executions: readonly unknown[], context: Record<string, unknown>) => {
        cancels.push({ queue, count: executions.length, context });
        return Promise.resolve();
      },
    };
    sut = new WorkflowsService(
      workflows as unknown as WorkflowRepository,
      jobs as unknown as JobsService,
      cancellations as unknown as CancellationService,
      config,
      silent as unknown as PinoLogger,
    );
  });

  const body = {
    name: 'nightly',
    jobs: [
      { key: 'extract', name: 'extract', handler: 'noop' },
      { key: 'load', name: 'load', handler: 'noop', dependsOn: ['extract'] },
    ],
  };

  describe('create', () => {
    it('should store the graph and record workflow.created with the workflow as answered', async () => {
      const created = await sut.create('acme', body, writer);

      expect(created).toMatchObject({ name: 'nightly', status: 'RUNNING', edges: [{ from: 'extract', to: 'load' }] });
      expect(workflows.audit).toEqual([
        {
          namespace: 'acme',
          actor: { keyId: writer.keyId, name: 'ci' },
          action: 'workflow.created',
          target: { type: 'workflow', id: created.id },
          before: null,
          after: created,
        },
      ]);
    });

    it("should report a job's deployment problem at that job, storing nothing", async () => {
      const bad = { ...body, jobs: [body.jobs[0], { key: 'load', name: 'load', handler: 'noop', queue: 'gone' }] };

      const refusal = await sut.create('acme', bad, writer).catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(ValidationError);
      expect((refusal as ValidationError).issues.map((issue) => issue.path)).toEqual(['jobs[1].queue']);
      expect(workflows.workflows).toEqual([]);
    });
  });

  describe('get', () => {
    it("should answer WorkflowNotFoundError for another namespace's workflow", async () => {
      const theirs = await sut.create('other', body, { ...writer, namespace: 'other' });

      await expect(sut.get('acme', theirs.id)).rejects.toThrow(new WorkflowNotFoundError(theirs.id));
    });
  });

  describe('list', () => {
    it("should page the namespace's workflows newest first, each without its jobs", async () => {
      const older = await sut.create('acme', body, writer);
      const newer = await sut.create('acme', { ...body, name: 'hourly' }, writer);
      await sut.create('other', body, { ...writer, namespace: 'other' });

      const first = await sut.list('acme', { limit: 1 });
      const second = await sut.list('acme', { limit: 1, cursor: first.nextCursor ?? undefined });

      expect(first.items).toEqual([
        {
          id: newer.id,
          name: 'hourly',
          status: 'RUNNING',
          failurePolicy: 'skip',
          createdAt: newer.createdAt,
          startedAt: null,
          finishedAt: null,
          jobCounts: { total: 2, blocked: 1, queued: 1, running: 0, succeeded: 0, dead: 0, cancelled: 0, skipped: 0 },
        },
      ]);
      expect(second.items.map((workflow) => workflow.id)).toEqual([older.id]);
      expect(second.nextCursor).toBeNull();
    });

    it('should pass the status filter on', async () => {
      const cancelled = await sut.create('acme', body, writer);
      await sut.create('acme', body, writer);
      await sut.cancel('acme', cancelled.id, writer);

      const page = await sut.list('acme', { limit: 20, status: 'CANCELLED' });

      expect(page.items.map((workflow) => [workflow.id, workflow.status])).toEqual([[cancelled.id, 'CANCELLED']]);
    });
  });

  describe('cancel', () => {
    it('should cancel every job, tell Redis and dependents per queue, and record workflow.cancelled', async () => {
      const created = await sut.create('acme', body, writer);

      const cancelled = await sut.cancel('acme', created.id, writer);

      expect(cancelled.status).toBe('CANCELLED');
      expect(cancels).toEqual([{ queue: 'default', count: 2, context: { workflowId: created.id } }]);
      expect(workflows.audit.at(-1)).toMatchObject({
        action: 'workflow.cancelled',
        before: { status: 'RUNNING' },
        after: { status: 'CANCELLED' },
      });
    });

    it('should answer WorkflowNotCancellableError the second time', async () => {
      const created = await sut.create('acme', body, writer);
      await sut.cancel('acme', created.id, writer);

      await expect(sut.cancel('acme', created.id, writer)).rejects.toThrow(WorkflowNotCancellableError);
      expect(cancels).toHaveLength(1);
    });
  });
});

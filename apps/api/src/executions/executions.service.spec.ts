import { describe, expect, it } from '@jest/globals';
import type { AttemptRecord, AuditOf, ExecutionRecord, ExecutionRepository, NewAuditEntry } from '@meridian/db';
import {
  ExecutionNotFoundError,
  ExecutionNotRetryableError,
  type ExecutionStatus,
  newId,
  type Principal,
} from '@meridian/domain';

import { ExecutionsService } from './executions.service.js';

const admin: Principal = { keyId: newId(), keyName: 'ops', namespace: 'acme', scopes: ['admin'], root: false };

function anExecution(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    id: newId(),
    jobId: newId(),
    namespace: 'acme',
    status: 'DEAD',
    attempt: 1,
    scheduledFor: at,
    nominalTime: null,
    queuedAt: at,
    startedAt: at,
    finishedAt: at,
    nextAttemptAt: null,
    workerId: 'w1',
    parkedAt: null,
    result: null,
    lastError: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** Executions kept in memory; retry makes a new PENDING execution of the same job, or refuses. */
class FakeExecutions {
  readonly rows: ExecutionRecord[] = [];
  readonly audit: NewAuditEntry[] = [];
  readonly attempts: AttemptRecord[] = [];
  retryRefusal: string | null = null;

  findById(namespace: string, id: string, page: { cursor?: string | undefined; limit?: number } = {}) {
    const found = this.rows.find((row) => row.id === id && row.namespace === namespace);
    const attempts = this.attempts.slice(0, page.limit ?? 20);
    return Promise.resolve(found === undefined ? null : { ...found, attempts, attemptsNextCursor: null });
  }

  retry(namespace: string, id: string, now: Date, audit?: AuditOf<ExecutionRecord>) {
    const found = this.rows.find((row) => row.id === id && row.namespace === namespace);
    if (found === undefined) {
      return Promise.resolve(null);
    }
    if (this.retryRefusal !== null) {
      return Promise.resolve({ refused: this.retryRefusal });
    }
    const created = anExecution({ jobId: found.jobId, status: 'PENDING' as ExecutionStatus, createdAt: now });
    this.rows.push(created);
    if (audit !== undefined) {
      this.audit.push(audit(created));
    }
    return Promise.resolve({ executionId: created.id });
  }
}

function setup() {
  const executions = new FakeExecutions();
  const sut = new ExecutionsService(executions as unknown as ExecutionRepository);
  return { sut, executions };
}

describe(ExecutionsService.name, () => {
  describe('get', () => {
    it('should show the execution with a page of its attempts', async () => {
      const { sut, executions } = setup();
      const execution = anExecution();
      executions.rows.push(execution);

      const view = await sut.get('acme', execution.id);

      expect(view).toMatchObject({ id: execution.id, status: 'DEAD', attempts: [], attemptsNextCursor: null });
    });

    it("should answer ExecutionNotFoundError for another namespace's execution", async () => {
      const { sut, executions } = setup();
      const execution = anExecution({ namespace: 'other' });
      executions.rows.push(execution);

      await expect(sut.get('acme', execution.id)).rejects.toThrow(new ExecutionNotFoundError(execution.id));
    });
  });

  describe('retry', () => {
    it('should answer with the new execution and record execution.retried by the caller', async () => {
      const { sut, executions } = setup();
      const dead = anExecution();
      executions.rows.push(dead);

      const retried = await sut.retry('acme', dead.id, admin);

      expect(retried).toMatchObject({ jobId: dead.jobId, status: 'PENDING' });
      expect(retried.id).not.toBe(dead.id);
      expect(executions.audit).toEqual([
        {
          namespace: 'acme',
          actor: { keyId: admin.keyId, name: 'ops' },
          action: 'execution.retried',
          target: { type: 'execution', id: dead.id },
          before: null,
          after: expect.objectContaining({ id: retried.id, attempts: [], attemptsNextCursor: null }),
        },
      ]);
    });

    it('should answer ExecutionNotFoundError for an unknown execution', async () => {
      const { sut } = setup();
      const id = newId();

      await expect(sut.retry('acme', id, admin)).rejects.toThrow(new ExecutionNotFoundError(id));
    });

    it('should answer ExecutionNotRetryableError with the reason the repository refused', async () => {
      const { sut, executions } = setup();
      const running = anExecution({ status: 'RUNNING' });
      executions.rows.push(running);
      executions.retryRefusal = 'it is RUNNING';

      await expect(sut.retry('acme', running.id, admin)).rejects.toThrow(
        new ExecutionNotRetryableError(running.id, 'it is RUNNING'),
      );
      expect(executions.audit).toEqual([]);
    });
  });
});

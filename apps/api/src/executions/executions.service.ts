import { ExecutionRepository } from '@meridian/db';
import { ExecutionNotFoundError, ExecutionNotRetryableError, type Principal } from '@meridian/domain';
import { Injectable } from '@nestjs/common';

import { auditEntry } from '../audit/audit-entry.js';
import type { ExecutionQuery } from './dto/execution.query.js';
import { type ExecutionView, toExecutionView } from './dto/execution.view.js';

/** The attempts of an execution just created: none. */
const NO_ATTEMPTS = { items: [], nextCursor: null };

/** Executions as the API shows them, and their retry. */
@Injectable()
export class ExecutionsService {
  constructor(private readonly executions: ExecutionRepository) {}

  /** The execution `id` of `namespace` with one page of its attempts; one of another namespace is unknown. */
  async get(namespace: string, id: string, attempts: Partial<ExecutionQuery> = {}): Promise<ExecutionView> {
    const execution = await this.executions.findById(namespace, id, {
      cursor: attempts.attemptsCursor,
      ...(attempts.attemptsLimit === undefined ? {} : { limit: attempts.attemptsLimit }),
    });
    if (execution === null) {
      throw new ExecutionNotFoundError(id);
    }
    return toExecutionView(execution, { items: execution.attempts, nextCursor: execution.attemptsNextCursor });
  }

  /**
   * Runs a DEAD or CANCELLED execution again as a new execution of its job, and answers with it.
   * Records `execution.retried` by `by` with the new execution.
   */
  async retry(namespace: string, id: string, by: Principal): Promise<ExecutionView> {
    const retried = await this.executions.retry(namespace, id, new Date(), (created) =>
      auditEntry(by, 'execution.retried', { type: 'execution', id }, null, toExecutionView(created, NO_ATTEMPTS)),
    );
    if (retried === null) {
      throw new ExecutionNotFoundError(id);
    }
    if ('refused' in retried) {
      throw new ExecutionNotRetryableError(id, retried.refused);
    }
    return this.get(namespace, retried.executionId);
  }
}

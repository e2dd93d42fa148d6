import { ChildCancelReason, ChildJobRepository } from '@meridian/db';
import { CancellationNotifier, type CancelledInPostgres } from '@meridian/queue';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { DependencySettler } from './dependency-settler.js';

/** Levels of child jobs followed down from one cancel; deeper nesting is left to the next cancel. */
const MAX_CHILD_DEPTH = 32;

type ChildCancel = (typeof ChildCancelReason)[keyof typeof ChildCancelReason];

/**
 * What follows a cancel Postgres already committed, wherever it was made (a job deleted or its runs
 * stopped, a workflow cancelled, a recurring job's runs superseded): the unfinished child jobs of
 * the cancelled executions are cancelled too, down to grandchildren; a cancelled child whose parent
 * runs under `fail_parent` has its unfinished siblings cancelled; and each cancelled execution is
 * carried to Redis, so a queued run leaves its queue, a parked parent leaves waiting-children and a
 * running one gets its abort signal (see CancellationNotifier), then the cancelled executions'
 * dependents count their end (see DependencySettler). Children go before their parent, so that
 * removing the parent's BullMQ job finds no child of it still waiting. Nothing here throws: a Redis
 * that cannot be told is covered by the worker refusing the run, a settle that fails by the
 * scheduler's reconciler, and a cascade that fails is logged (the parent's worker refuses a resume
 * of a cancelled parent, and its children run to their end).
 */
@Injectable()
export class CancellationService {
  constructor(
    private readonly notifier: CancellationNotifier,
    private readonly settler: DependencySettler,
    private readonly children: ChildJobRepository,
    @InjectPinoLogger(CancellationService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Carries the cancel of `executions`, all of `queue`, to their children, to Redis and to their
   * dependents. `logContext` (e.g. `{ jobId }`) goes on the log line of each cancelled execution.
   */
  async afterCancelled(
    queue: string,
    executions: readonly CancelledInPostgres[],
    logContext: Record<string, unknown>,
  ): Promise<void> {
    if (executions.length === 0) {
      return;
    }
    const ids = executions.map((execution) => execution.id);
    await this.cascade(ids, ChildCancelReason.ParentCancelled, logContext);
    await this.cancelSiblingsOf(ids, logContext);
    await this.notifier.notify(queue, executions, this.logger.logger.child(logContext));
    await this.settler.settle(ids);
  }

  /**
   * Carries the end of parents (`parentExecutionIds`, already ended) down to their unfinished
   * children, as a cancel does: for the reconciler, when the process that ended them died before.
   */
  async afterParentsEnded(parentExecutionIds: readonly string[]): Promise<void> {
    if (parentExecutionIds.length > 0) {
      await this.cascade(parentExecutionIds, ChildCancelReason.ParentCancelled, { reason: 'parent_ended' });
    }
  }

  /**
   * A child ended DEAD (its attempts spent) or was cancelled: if its parent runs under
   * `fail_parent`, its unfinished siblings are cancelled at once, so the parent fails without
   * waiting for them.
   */
  async afterChildFailed(executionIds: readonly string[]): Promise<void> {
    await this.cancelSiblingsOf(executionIds, { reason: ChildCancelReason.SiblingFailed.code });
  }

  private async cancelSiblingsOf(executionIds: readonly string[], logContext: Record<string, unknown>): Promise<void> {
    try {
      const parents = await this.children.failingParents(executionIds);
      if (parents.length > 0) {
        await this.cancelChildrenOf(parents, ChildCancelReason.SiblingFailed, logContext);
      }
    } catch (error) {
      this.logger.warn({ ...logContext, executionIds, err: error }, 'siblings of a failed child not cancelled');
    }
  }

  /** Cancels the unfinished descendants of `parentIds`, deepest first in Redis. */
  private async cascade(parentIds: readonly string[], reason: ChildCancel, logContext: Record<string, unknown>) {
    try {
      await this.cancelChildrenOf(parentIds, reason, logContext);
    } catch (error) {
      this.logger.warn({ ...logContext, err: error }, 'children of a cancelled execution not cancelled');
    }
  }

  private async cancelChildrenOf(
    parentIds: readonly string[],
    reason: ChildCancel,
    logContext: Record<string, unknown>,
  ): Promise<void> {
    const levels = [];
    let parents = parentIds;
    for (let depth = 0; depth < MAX_CHILD_DEPTH && parents.length > 0; depth++) {
      const cancelled = await this.children.cancelChildren(
        parents,
        new Date(),
        depth === 0 ? reason : ChildCancelReason.ParentCancelled,
      );
      if (cancelled.length > 0) {
        levels.push(cancelled);
      }
      parents = cancelled.map((execution) => execution.id);
    }
    for (const level of levels.reverse()) {
      const byQueue = new Map<string, CancelledInPostgres[]>();
      for (const execution of level) {
        byQueue.set(execution.queue, [...(byQueue.get(execution.queue) ?? []), execution]);
      }
      for (const [queue, executions] of byQueue) {
        await this.notifier.notify(queue, executions, this.logger.logger.child({ ...logContext, reason: reason.code }));
      }
      await this.settler.settle(level.map((execution) => execution.id));
    }
  }
}

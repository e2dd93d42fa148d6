import type { MeridianConfig } from '@meridian/config';
import { ExecutionRepository, type StartedAttempt } from '@meridian/db';
import {
  AttemptOutcome,
  capStoredOutput,
  decideAfterFailure,
  ErrorCode,
  type ExecutionDispatch,
  ExecutionStatus,
} from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { CancellationService, DependencySettler } from '@meridian/services';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { AttemptMetrics } from './attempt-metrics.js';
import { type HandlerOutcome, loggedError } from './attempt-outcome.js';

/** What the queue should do with a delivery once its attempt is recorded. */
export type NextStep =
  | { kind: 'complete'; result: unknown }
  | { kind: 'retry'; message: string; delayMs: number }
  | { kind: 'stop'; message: string }
  | { kind: 'hand-back' };

/**
 * Writes an attempt's life to Postgres: claims it, then records how it ended, settles the
 * execution's dependents once it is final, and decides (by the retry policy) whether it runs again.
 */
@Injectable()
export class AttemptRecorder {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly settler: DependencySettler,
    private readonly cancellations: CancellationService,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    private readonly metrics: AttemptMetrics,
    @InjectPinoLogger(AttemptRecorder.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Claims the execution's next attempt for this worker, or resumes its parked one (waiting for its
   * children: `resumed`); null when it may no longer run.
   */
  start(executionId: string): Promise<StartedAttempt | null> {
    return this.executions.startAttempt(executionId, this.config.worker.id, new Date());
  }

  /** Clears the parked mark of a resumed attempt as its handler is invoked again; false when it moved on. */
  unpark(executionId: string, attempt: number): Promise<boolean> {
    return this.executions.unpark(executionId, attempt);
  }

  async record(
    dispatch: ExecutionDispatch,
    { attempt, countedAttempt }: Pick<StartedAttempt, 'attempt' | 'countedAttempt'>,
    outcome: HandlerOutcome,
  ): Promise<NextStep> {
    const { executionId } = dispatch;
    const now = new Date();
    switch (outcome.kind) {
      case 'succeeded': {
        const result = capStoredOutput(outcome.result, this.config.worker.resultMaxBytes);
        const finished = await this.executions.finishAttempt(
          executionId,
          attempt,
          { status: ExecutionStatus.Succeeded, result },
          now,
        );
        const applied = finished !== null;
        if (applied) {
          this.metrics.ended(dispatch, 'succeeded');
        }
        if (finished?.hasDependents === true) {
          await this.settler.settle([executionId]);
        } else if (!applied) {
          // Cancelled while running and the signal arrived too late: keep the attempt's own record.
          await this.executions.closeAttempt(executionId, attempt, AttemptOutcome.Succeeded, null, now);
        }
        // Debug, as the start is: the attempt's record in Postgres is its history, and a line per
        // success at info was a twentieth of the worker's CPU per job. Failures stay at warn.
        this.logger.debug({ executionId, attempt, applied }, 'attempt succeeded');
        return { kind: 'complete', result };
      }
      case 'cancelled': {
        await this.executions.closeAttempt(
          executionId,
          attempt,
          AttemptOutcome.Cancelled,
          { code: ErrorCode.HandlerCancelled, message: 'The execution was cancelled while running.' },
          now,
        );
        this.metrics.ended(dispatch, 'cancelled');
        this.logger.info({ executionId, attempt }, 'attempt cancelled');
        return { kind: 'stop', message: 'cancelled' };
      }
      case 'shutdown': {
        await this.executions.releaseAttempt(executionId, attempt, now);
        this.logger.warn({ executionId, attempt }, 'attempt interrupted by shutdown; handed back to the queue');
        return { kind: 'hand-back' };
      }
      case 'failed': {
        const decision = decideAfterFailure(dispatch.retry, countedAttempt, outcome.retryable);
        const attemptOutcome = outcome.timedOut ? AttemptOutcome.TimedOut : AttemptOutcome.Failed;
        const message = typeof outcome.error.message === 'string' ? outcome.error.message : 'handler failed';
        if (decision.kind === 'retry') {
          const finished = await this.executions.finishAttempt(
            executionId,
            attempt,
            {
              status: ExecutionStatus.Retrying,
              outcome: attemptOutcome,
              error: outcome.error,
              retryDelayMs: decision.delayMs,
            },
            now,
          );
          this.logger.warn(
            { executionId, attempt, retryInMs: decision.delayMs, error: loggedError(outcome.error) },
            'attempt failed; will retry',
          );
          if (finished === null) {
            await this.executions.closeAttempt(executionId, attempt, attemptOutcome, outcome.error, now);
            return { kind: 'stop', message: 'stale attempt: the execution moved on' };
          }
          return { kind: 'retry', message, delayMs: decision.delayMs };
        }
        const error = { ...outcome.error, final: decision.reason };
        const finished = await this.executions.finishAttempt(
          executionId,
          attempt,
          { status: ExecutionStatus.Dead, outcome: attemptOutcome, error },
          now,
        );
        if (finished !== null) {
          this.metrics.ended(dispatch, 'dead');
        }
        if (finished?.hasDependents === true) {
          await this.settler.settle([executionId]);
        } else if (finished === null) {
          await this.executions.closeAttempt(executionId, attempt, attemptOutcome, error, now);
        }
        if (finished !== null && dispatch.child?.onChildFailure === 'fail_parent') {
          // A child that failed for good fails its parent: its unfinished siblings need not run.
          await this.cancellations.afterChildFailed([executionId]);
        }
        this.logger.warn(
          { executionId, attempt, reason: decision.reason, error: loggedError(outcome.error) },
          'execution is dead',
        );
        return { kind: 'stop', message };
      }
    }
  }
}

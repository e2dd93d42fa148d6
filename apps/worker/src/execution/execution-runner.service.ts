import type { MeridianConfig } from '@meridian/config';
import { DependencyRepository, ExecutionRepository } from '@meridian/db';
import {
  AttemptOutcome,
  capStoredError,
  capStoredOutput,
  decideAfterFailure,
  ErrorCode,
  type ExecutionDispatch,
  ExecutionStatus,
  HandlerTimedOutError,
  idempotencyKeyOf,
} from '@meridian/domain';
import { type HandlerContext, HandlerRegistry } from '@meridian/handler-sdk';
import { type Admission, fromExecutionRunData, NamespaceAdmission } from '@meridian/queue';
import { CONFIG, DependencySettler } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { classifyFailure, type HandlerOutcome, loggedError } from './attempt-outcome.js';
import { DatabaseOutage } from './database-outage.service.js';
import { NamespaceLimitsService } from './namespace-limits.service.js';
import { RetryScheduledError } from './retry-scheduled.error.js';

/** How much longer than its timeout a run's namespace lease lasts, should its worker die. */
const LEASE_MARGIN_MS = 60_000;

/** Delay before redelivering a job whose state could not be read or written. */
const INFRASTRUCTURE_RETRY_MS = 2000;

/**
 * Runs one delivery of an execution: claims the next attempt in Postgres, runs the handler under
 * its timeout and abort signal, records the outcome, and tells BullMQ what to do next (complete,
 * retry after the recorded delay, stop, or hand the job back on shutdown).
 */
@Injectable()
export class ExecutionRunner {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly dependencies: DependencyRepository,
    private readonly settler: DependencySettler,
    private readonly admission: NamespaceAdmission,
    private readonly namespaceLimits: NamespaceLimitsService,
    private readonly handlers: HandlerRegistry,
    private readonly outage: DatabaseOutage,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(ExecutionRunner.name) private readonly logger: PinoLogger,
  ) {}

  async process(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    let dispatch: ExecutionDispatch;
    try {
      dispatch = fromExecutionRunData(job.data);
    } catch (error) {
      throw new UnrecoverableError(`job data does not match the catalog: ${String(error)}`);
    }
    try {
      return await this.deliver(dispatch, job, token, signal);
    } catch (error) {
      if (
        error instanceof UnrecoverableError ||
        error instanceof RetryScheduledError ||
        error instanceof DelayedError
      ) {
        throw error;
      }
      // Postgres (or another dependency) failed around the handler. Hand the job back for a later
      // delivery without spending one of BullMQ's attempts, so an outage cannot exhaust them and
      // strand the execution. The next delivery's start write sorts out what happened. An
      // unreachable Postgres is logged once per outage (by DatabaseOutage), not once per delivery.
      if (!this.outage.report(error)) {
        this.logger.error(
          { executionId: dispatch.executionId, err: error, retryInMs: INFRASTRUCTURE_RETRY_MS },
          'delivery failed outside the handler; redelivering',
        );
      }
      await job.moveToDelayed(Date.now() + INFRASTRUCTURE_RETRY_MS, token);
      throw new DelayedError();
    }
  }

  private async deliver(
    dispatch: ExecutionDispatch,
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const { executionId, namespace } = dispatch;
    const admission = await this.admit(dispatch);
    if (!admission.admitted) {
      // The namespace is at its limit: wait and ask again, spending no attempt (as on shutdown).
      this.logger.debug({ executionId, namespace, retryInMs: admission.retryInMs }, 'namespace at its limit');
      await job.moveToDelayed(Date.now() + admission.retryInMs, token);
      throw new DelayedError();
    }
    try {
      const started = await this.executions.startAttempt(executionId, this.config.worker.id, new Date());
      if (started === null) {
        this.logger.info({ executionId }, 'execution is no longer runnable; delivery dropped');
        return { skipped: true };
      }
      const { attempt, countedAttempt } = started;
      this.logger.debug({ executionId, attempt, handler: dispatch.handler }, 'attempt started');
      const parents = dispatch.hasDependencies ? await this.dependencies.parentsOf(dispatch.jobId) : {};
      const outcome = await this.invoke(dispatch, attempt, job, signal, parents);
      return await this.record(dispatch, { attempt, countedAttempt }, outcome, job, token);
    } finally {
      if (admission.leased) {
        await this.admission.release(namespace, executionId).catch((error: unknown) => {
          this.logger.warn({ executionId, err: error }, 'namespace lease not released; it expires by itself');
        });
      }
    }
  }

  /**
   * Asks for a place within the namespace's limits. Should Redis not answer, the run goes ahead: a
   * limit is for fairness, and an outage must not stop every namespace's work.
   */
  private async admit(
    dispatch: ExecutionDispatch,
  ): Promise<{ admitted: true; leased: boolean } | Extract<Admission, { admitted: false }>> {
    try {
      const limits = await this.namespaceLimits.of(dispatch.namespace);
      if (limits.maxConcurrency === null && limits.maxRunsPerMinute === null) {
        return { admitted: true, leased: false };
      }
      const leaseMs = dispatch.timeoutMs + LEASE_MARGIN_MS;
      const admission = await this.admission.admit(dispatch.namespace, dispatch.executionId, limits, leaseMs);
      return admission.admitted ? { admitted: true, leased: limits.maxConcurrency !== null } : admission;
    } catch (error) {
      this.logger.warn({ executionId: dispatch.executionId, err: error }, 'namespace limits not checked');
      return { admitted: true, leased: false };
    }
  }

  private async invoke(
    dispatch: ExecutionDispatch,
    attempt: number,
    job: Job,
    delivery: AbortSignal | undefined,
    parents: HandlerContext['parents'],
  ): Promise<HandlerOutcome> {
    const controller = new AbortController();
    // A handler that ignores its signal must not hold the attempt open past its timeout.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
    });
    aborted.catch(() => undefined);
    const timer = setTimeout(() => controller.abort(new HandlerTimedOutError(dispatch.timeoutMs)), dispatch.timeoutMs);
    const forward = () => controller.abort(delivery?.reason);
    // The cancel may have landed while the attempt was being claimed, before anyone listened.
    if (delivery?.aborted === true) {
      forward();
    }
    delivery?.addEventListener('abort', forward, { once: true });
    try {
      const handler = this.handlers.get(dispatch.handler);
      const payload = this.handlers.parsePayload(dispatch.handler, dispatch.payload);
      const result = await Promise.race([
        handler.run(payload, this.context(dispatch, attempt, job, controller.signal, parents)),
        aborted,
      ]);
      return { kind: 'succeeded', result };
    } catch (error) {
      const outcome = classifyFailure(error, controller.signal);
      // Capped before it is logged or stored: every attempt keeps its own error.
      return outcome.kind === 'failed'
        ? { ...outcome, error: capStoredError(outcome.error, this.config.worker.errorMaxBytes) }
        : outcome;
    } finally {
      clearTimeout(timer);
      delivery?.removeEventListener('abort', forward);
    }
  }

  private async record(
    dispatch: ExecutionDispatch,
    { attempt, countedAttempt }: { attempt: number; countedAttempt: number },
    outcome: HandlerOutcome,
    job: Job,
    token: string | undefined,
  ): Promise<unknown> {
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
        if (finished?.hasDependents === true) {
          await this.settler.settle([executionId]);
        } else if (!applied) {
          // Cancelled while running and the signal arrived too late: keep the attempt's own record.
          await this.executions.closeAttempt(executionId, attempt, AttemptOutcome.Succeeded, null, now);
        }
        // Debug, as the start is: the attempt's record in Postgres is its history, and a line per
        // success at info was a twentieth of the worker's CPU per job. Failures stay at warn.
        this.logger.debug({ executionId, attempt, applied }, 'attempt succeeded');
        return result;
      }
      case 'cancelled': {
        await this.executions.closeAttempt(
          executionId,
          attempt,
          AttemptOutcome.Cancelled,
          { code: ErrorCode.HandlerCancelled, message: 'The execution was cancelled while running.' },
          now,
        );
        this.logger.info({ executionId, attempt }, 'attempt cancelled');
        throw new UnrecoverableError('cancelled');
      }
      case 'shutdown': {
        await this.executions.releaseAttempt(executionId, attempt, now);
        this.logger.warn({ executionId, attempt }, 'attempt interrupted by shutdown; handed back to the queue');
        // Back to the queue without spending an attempt: BullMQ's documented pattern for rescheduling.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
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
            throw new UnrecoverableError('stale attempt: the execution moved on');
          }
          throw new RetryScheduledError(message, decision.delayMs);
        }
        const error = { ...outcome.error, final: decision.reason };
        const finished = await this.executions.finishAttempt(
          executionId,
          attempt,
          { status: ExecutionStatus.Dead, outcome: attemptOutcome, error },
          now,
        );
        if (finished?.hasDependents === true) {
          await this.settler.settle([executionId]);
        } else if (finished === null) {
          await this.executions.closeAttempt(executionId, attempt, attemptOutcome, error, now);
        }
        this.logger.warn(
          { executionId, attempt, reason: decision.reason, error: loggedError(outcome.error) },
          'execution is dead',
        );
        throw new UnrecoverableError(message);
      }
    }
  }

  private context(
    dispatch: ExecutionDispatch,
    attempt: number,
    job: Job,
    signal: AbortSignal,
    parents: HandlerContext['parents'],
  ): HandlerContext {
    const fields = { executionId: dispatch.executionId, attempt, handler: dispatch.handler };
    return {
      signal,
      executionId: dispatch.executionId,
      jobId: dispatch.jobId,
      namespace: dispatch.namespace,
      attempt,
      maxAttempts: dispatch.retry.maxAttempts,
      scheduledFor: dispatch.nominalTime ?? dispatch.scheduledFor,
      idempotencyKey: idempotencyKeyOf(dispatch),
      parents,
      progress: (value) => job.updateProgress(value),
      log: {
        info: (message, extra) => this.logger.info({ ...fields, ...extra }, message),
        warn: (message, extra) => this.logger.warn({ ...fields, ...extra }, message),
        error: (message, extra) => this.logger.error({ ...fields, ...extra }, message),
      },
    };
  }
}

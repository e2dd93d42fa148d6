import type { ChildStep } from '@meridian/db';
import { type ExecutionDispatch } from '@meridian/domain';
import { fromExecutionRunData } from '@meridian/queue';
import { inSpan, setActiveSpanAttribute } from '@meridian/tracing';
import { Injectable } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { AttemptMetrics } from './attempt-metrics.js';
import { serializeError } from './attempt-outcome.js';
import { AttemptRecorder, type NextStep } from './attempt-recorder.js';
import { ChildCoordinator } from './child-coordinator.js';
import type { StartedChildren } from './child-jobs.js';
import { DatabaseOutage } from './database-outage.js';
import { ExecutionAdmission } from './execution-admission.js';
import { HandlerInvoker } from './handler-invoker.js';
import { RetryScheduledError } from './retry-scheduled.error.js';

/** Delay before redelivering a job whose state could not be read or written. */
const INFRASTRUCTURE_RETRY_MS = 2000;

/** What identifies an attempt's span; spans may carry ids, which metric labels never do. */
function attemptSpanAttributes(dispatch: ExecutionDispatch) {
  return {
    'meridian.execution_id': dispatch.executionId,
    'meridian.job_id': dispatch.jobId,
    'meridian.namespace': dispatch.namespace,
    'meridian.queue': dispatch.queue,
    'meridian.handler': dispatch.handler,
  };
}

/**
 * Runs one delivery of an execution: admits it within its namespace's limits
 * ({@link ExecutionAdmission}), claims the attempt and records its outcome ({@link AttemptRecorder}),
 * runs the handler ({@link HandlerInvoker}), and tells BullMQ what to do next (complete, retry after
 * the recorded delay, stop, or hand the job back).
 */
@Injectable()
export class ExecutionRunner {
  constructor(
    private readonly admission: ExecutionAdmission,
    private readonly invoker: HandlerInvoker,
    private readonly recorder: AttemptRecorder,
    private readonly outage: DatabaseOutage,
    private readonly metrics: AttemptMetrics,
    private readonly children: ChildCoordinator,
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
      // The attempt continues the trace of the create (through the relay); a no-op with tracing off.
      return await inSpan(
        'execution attempt',
        dispatch.traceParent,
        () => attemptSpanAttributes(dispatch),
        () => this.deliver(dispatch, job, token, signal),
      );
    } catch (error) {
      if (
        error instanceof UnrecoverableError ||
        error instanceof RetryScheduledError ||
        error instanceof DelayedError ||
        error instanceof WaitingChildrenError
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
    delivery: AbortSignal | undefined,
  ): Promise<unknown> {
    const { executionId, namespace } = dispatch;
    const admission = await this.admission.admit(dispatch);
    if (!admission.admitted) {
      // The namespace is at its limit: wait and ask again, spending no attempt (as on shutdown).
      this.logger.debug({ executionId, namespace, retryInMs: admission.retryInMs }, 'namespace at its limit');
      await job.moveToDelayed(Date.now() + admission.retryInMs, token);
      throw new DelayedError();
    }
    try {
      const started = await this.recorder.start(executionId);
      if (started === null) {
        this.logger.info({ executionId }, 'execution is no longer runnable; delivery dropped');
        return { skipped: true };
      }
      const { attempt } = started;
      setActiveSpanAttribute('meridian.attempt', attempt);
      this.logger.debug(
        { executionId, attempt, handler: dispatch.handler, resumed: started.resumed },
        'attempt started',
      );
      if (!started.resumed) {
        this.metrics.started(dispatch, attempt);
      }
      const run = { dispatch, attempt };
      // A resumed attempt (its children were started by an earlier invocation) goes on only once they
      // have all ended; its steps are read for `ctx.children.results`. A new attempt reads none.
      let steps = started.resumed ? await this.children.steps(executionId) : null;
      for (;;) {
        if (steps !== null) {
          const pending = await this.children.pending(run, steps);
          if (pending !== null) {
            const ended = await this.park(run, pending, job, token);
            if (ended === null) {
              return { skipped: true };
            }
            steps = ended;
          }
          const failure = this.children.failure(steps);
          if (failure !== null) {
            const outcome = {
              kind: 'failed',
              error: serializeError(failure),
              retryable: false,
              timedOut: false,
            } as const;
            return await this.follow(await this.recorder.record(dispatch, started, outcome), job, token);
          }
          if (!(await this.recorder.unpark(executionId, attempt))) {
            this.logger.info({ executionId, attempt }, 'parked attempt no longer runs; delivery dropped');
            return { skipped: true };
          }
          this.logger.info({ executionId, attempt, steps: steps.map((step) => step.step) }, 'parent resumed');
        }
        const invokedAt = performance.now();
        const outcome = await this.invoker.invoke({
          dispatch,
          attempt,
          delivery,
          progress: (value) => job.updateProgress(value),
          children: this.children.forInvocation(run, steps ?? []),
        });
        if (outcome.kind === 'parked') {
          const ended = await this.park(run, outcome.started, job, token);
          if (ended === null) {
            return { skipped: true };
          }
          steps = ended;
          continue;
        }
        this.metrics.finished(dispatch, outcome, (performance.now() - invokedAt) / 1000);
        return await this.follow(await this.recorder.record(dispatch, started, outcome), job, token);
      }
    } finally {
      if (admission.leased) {
        await this.admission.release(dispatch);
      }
    }
  }

  /**
   * Parks an attempt until its children have ended (see ChildCoordinator): in BullMQ's
   * waiting-children state when BullMQ holds pending children of it (throws WaitingChildrenError:
   * the worker slot is free), else by delaying the delivery while Postgres says some have not ended
   * (throws DelayedError). Returns the steps when every child has ended already (the handler goes
   * on in this delivery), or null when the attempt no longer runs.
   */
  private async park(
    run: { dispatch: ExecutionDispatch; attempt: number },
    started: StartedChildren,
    job: Job,
    token: string | undefined,
  ): Promise<ChildStep[] | null> {
    const unfinished = await this.children.park(run, started);
    if (unfinished === null) {
      return null;
    }
    if (unfinished > 0 && token !== undefined && (await job.moveToWaitingChildren(token))) {
      throw new WaitingChildrenError();
    }
    const ended = await this.children.endedSteps(run.dispatch.executionId);
    if (ended !== null) {
      return ended;
    }
    const delayMs = this.children.pollDelayMs(job.attemptsStarted);
    this.logger.info(
      { executionId: run.dispatch.executionId, retryInMs: delayMs },
      'BullMQ holds none of the children; checking Postgres again later',
    );
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /** Tells BullMQ the next step, in its own terms: a result, or one of its control-flow errors. */
  private async follow(step: NextStep, job: Job, token: string | undefined): Promise<unknown> {
    switch (step.kind) {
      case 'complete':
        return step.result;
      case 'retry':
        throw new RetryScheduledError(step.message, step.delayMs);
      case 'stop':
        throw new UnrecoverableError(step.message);
      case 'hand-back':
        // Back to the queue without spending an attempt: BullMQ's documented pattern for rescheduling.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
    }
  }
}

import { type ExecutionDispatch } from '@meridian/domain';
import { fromExecutionRunData } from '@meridian/queue';
import { inSpan, setActiveSpanAttribute } from '@meridian/tracing';
import { Injectable } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { AttemptMetrics } from './attempt-metrics.js';
import { AttemptRecorder, type NextStep } from './attempt-recorder.js';
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
      this.logger.debug({ executionId, attempt, handler: dispatch.handler }, 'attempt started');
      this.metrics.started(dispatch, attempt);
      const invokedAt = performance.now();
      const outcome = await this.invoker.invoke({
        dispatch,
        attempt,
        delivery,
        progress: (value) => job.updateProgress(value),
      });
      this.metrics.finished(dispatch, outcome, (performance.now() - invokedAt) / 1000);
      return await this.follow(await this.recorder.record(dispatch, started, outcome), job, token);
    } finally {
      if (admission.leased) {
        await this.admission.release(dispatch);
      }
    }
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

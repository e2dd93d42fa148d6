import type { MeridianConfig } from '@meridian/config';
import { DependencyRepository } from '@meridian/db';
import { capStoredError, type ExecutionDispatch, HandlerTimedOutError, idempotencyKeyOf } from '@meridian/domain';
import { type HandlerContext, HandlerRegistry } from '@meridian/handler-sdk';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { classifyFailure, type HandlerOutcome } from './attempt-outcome.js';
import type { InvocationChildren, StartedChildren } from './child-jobs.js';

/** One attempt to hand to a handler: which execution, which attempt, and how it reports progress. */
export interface Invocation {
  dispatch: ExecutionDispatch;
  attempt: number;
  /** Aborted by BullMQ when the execution is cancelled or the worker's shutdown grace runs out. */
  delivery: AbortSignal | undefined;
  progress: HandlerContext['progress'];
  /** The invocation's `ctx.children`; what it started, if anything, parks the attempt. */
  children: InvocationChildren;
}

/**
 * How an invocation ended: a {@link HandlerOutcome}, or parked, its handler having started children
 * (the attempt then waits for them and is not recorded as ended).
 */
export type InvocationOutcome = HandlerOutcome | { kind: 'parked'; started: StartedChildren };

/**
 * Runs one attempt's handler: finds it, parses its payload, gives it its context (parents' results
 * included), and bounds it by its timeout and the delivery's abort signal. Never throws for what the
 * handler did: every ending is a {@link HandlerOutcome}.
 */
@Injectable()
export class HandlerInvoker {
  constructor(
    private readonly handlers: HandlerRegistry,
    private readonly dependencies: DependencyRepository,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(HandlerInvoker.name) private readonly logger: PinoLogger,
  ) {}

  async invoke(invocation: Invocation): Promise<InvocationOutcome> {
    const { dispatch, delivery } = invocation;
    // Read outside the timeout: a Postgres failure here is the delivery's (handed back), not the handler's.
    const parents = dispatch.hasDependencies ? await this.dependencies.parentsOf(dispatch.jobId) : {};
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
        handler.run(payload, this.context(invocation, controller.signal, parents)),
        aborted,
      ]);
      const started = invocation.children.started;
      // Children stored and the signal swallowed by the handler: the attempt waits for them all the same.
      return started === undefined ? { kind: 'succeeded', result } : { kind: 'parked', started };
    } catch (error) {
      const outcome = classifyFailure(error, controller.signal);
      const started = invocation.children.started;
      if (started !== undefined && outcome.kind === 'failed' && !outcome.timedOut) {
        return { kind: 'parked', started };
      }
      // Capped before it is logged or stored: every attempt keeps its own error.
      return outcome.kind === 'failed'
        ? { ...outcome, error: capStoredError(outcome.error, this.config.worker.errorMaxBytes) }
        : outcome;
    } finally {
      clearTimeout(timer);
      delivery?.removeEventListener('abort', forward);
    }
  }

  private context(
    { dispatch, attempt, progress, children }: Invocation,
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
      children,
      progress,
      log: {
        info: (message, extra) => this.logger.info({ ...fields, ...extra }, message),
        warn: (message, extra) => this.logger.warn({ ...fields, ...extra }, message),
        error: (message, extra) => this.logger.error({ ...fields, ...extra }, message),
      },
    };
  }
}

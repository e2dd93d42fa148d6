import type { ExecutionDispatch } from '@meridian/domain';
import { type AttemptEnd, type ExecutionEnd, MetricCatalog } from '@meridian/metrics';
import { Injectable } from '@nestjs/common';

import type { HandlerOutcome } from './attempt-outcome.js';

/**
 * What the worker tells Prometheus about its attempts: how late each execution started, how long
 * each attempt ran and how it ended, and which executions it ended for good. Labels come from the
 * dispatch (queue, handler, namespace: bounded by configuration and the catalog), never an id.
 */
@Injectable()
export class AttemptMetrics {
  constructor(private readonly catalog: MetricCatalog) {}

  /** An attempt began; the first one of an execution measures its start lateness. */
  started(dispatch: ExecutionDispatch, attempt: number, now: number = Date.now()): void {
    if (attempt === 1) {
      this.catalog.startLateness.observe(
        { queue: dispatch.queue },
        Math.max(0, now - dispatch.scheduledFor.getTime()) / 1000,
      );
    }
  }

  /** The handler returned (or threw, or was stopped) `seconds` after it was called. */
  finished(dispatch: ExecutionDispatch, outcome: HandlerOutcome, seconds: number): void {
    this.catalog.attemptDuration.observe(
      { queue: dispatch.queue, handler: dispatch.handler, outcome: attemptEnd(outcome) },
      seconds,
    );
  }

  /** The execution reached a final status, recorded by this worker. */
  ended(dispatch: ExecutionDispatch, outcome: ExecutionEnd): void {
    this.catalog.executionsEnded.inc({
      namespace: dispatch.namespace,
      queue: dispatch.queue,
      handler: dispatch.handler,
      outcome,
    });
  }
}

function attemptEnd(outcome: HandlerOutcome): AttemptEnd {
  switch (outcome.kind) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return outcome.timedOut ? 'timed_out' : 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'shutdown':
      return 'interrupted';
  }
}

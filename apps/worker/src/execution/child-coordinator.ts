import type { MeridianConfig } from '@meridian/config';
import { ChildCancelReason, ChildJobRepository, type ChildStep, ExecutionRepository, isChildEnded } from '@meridian/db';
import { ChildrenFailedError, type ExecutionDispatch } from '@meridian/domain';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { ChildFlowGateway } from '@meridian/queue';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { allChildrenEnded, InvocationChildren, type StartedChildren } from './child-jobs.js';

/** First wait of a parent that polls Postgres for its children's end; it doubles up to {@link POLL_MAX_MS}. */
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 30_000;

/** A parent's attempt as the coordinator needs it. */
export interface ParentRun {
  dispatch: ExecutionDispatch;
  attempt: number;
}

/**
 * The worker's side of child jobs (docs/decisions/0019-child-jobs.md): gives each invocation its
 * `ctx.children`, parks an attempt whose handler started children, and decides, from Postgres, how a
 * parent whose children have all ended goes on (invoked again with their results, or failed under
 * `fail_parent`).
 *
 * Parking: the children are added to BullMQ as a flow under the parent's job, and the runner moves
 * the parent's job to waiting-children (the worker slot is free) until BullMQ has seen every child
 * end. When BullMQ holds no pending child (they all ended already, or Redis lost the links and the
 * reconciler enqueued the children again without them), Postgres decides: all ended, the parent
 * goes on at once; otherwise it is delivered again after a delay, doubling up to 30 s, and checks again.
 */
@Injectable()
export class ChildCoordinator {
  constructor(
    private readonly children: ChildJobRepository,
    private readonly executions: ExecutionRepository,
    private readonly flows: ChildFlowGateway,
    private readonly handlers: HandlerRegistry,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(ChildCoordinator.name) private readonly logger: PinoLogger,
  ) {}

  /** Every step of children the execution started; read only for a resumed attempt (or after a park). */
  steps(executionId: string): Promise<ChildStep[]> {
    return this.children.steps(executionId);
  }

  /** The `ctx.children` of one invocation of `run`, answering `results` from `steps`. */
  forInvocation({ dispatch, attempt }: ParentRun, steps: readonly ChildStep[]): InvocationChildren {
    return new InvocationChildren(dispatch, attempt, steps, this.children, this.handlers, this.config);
  }

  /**
   * The error a `fail_parent` step whose children have all ended fails the parent with, when one of
   * them did not succeed (siblings cancelled because of it are not named); null otherwise.
   */
  failure(steps: readonly ChildStep[]): ChildrenFailedError | null {
    for (const step of steps) {
      if (step.onChildFailure !== 'fail_parent' || !step.children.every((child) => isChildEnded(child.status))) {
        continue;
      }
      const failed = step.children.filter(
        (child) =>
          child.status !== 'SUCCEEDED' &&
          !(child.status === 'CANCELLED' && errorCode(child.error) === ChildCancelReason.SiblingFailed.code),
      );
      if (failed.length > 0) {
        return new ChildrenFailedError(
          step.step,
          failed.map((child) => ({ index: child.index, jobId: child.jobId, status: child.status })),
        );
      }
    }
    return null;
  }

  /**
   * Parks the attempt of `run`, whose handler started `started`, in Postgres (`parked_at`) and adds
   * its queued or retrying children to BullMQ under the parent's job, again on every park: a no-op
   * for a child BullMQ holds under this parent, and the link back for one the reconciler enqueued
   * without it (after a loss of Redis), so the parent waits in waiting-children again. Returns how many children have not ended, or null when the attempt no longer runs
   * (cancelled meanwhile). The runner then moves the parent's job to waiting-children.
   */
  async park(run: ParentRun, started: StartedChildren): Promise<number | null> {
    const { executionId } = run.dispatch;
    if (!(await this.executions.park(executionId, run.attempt, new Date()))) {
      return null;
    }
    const unfinished = started.children.filter((child) => !isChildEnded(child.status));
    // A RUNNING child is left out: BullMQ holds it under this parent already, or, after a loss of
    // Redis, its worker may still run it and the reconciler enqueues it again after its grace.
    await this.flows.addChildren(
      run.dispatch,
      unfinished.filter((child) => child.status !== 'RUNNING').map((child) => child.dispatch),
    );
    this.logger.info(
      {
        executionId,
        attempt: run.attempt,
        step: started.step,
        children: started.children.length,
        unfinished: unfinished.length,
      },
      'parent parked, waiting for its children',
    );
    return unfinished.length;
  }

  /**
   * For a parent BullMQ holds no pending child of: every step read from Postgres when all its
   * children have ended (the parent goes on at once), or null (it checks again later).
   */
  async endedSteps(executionId: string): Promise<ChildStep[] | null> {
    const steps = await this.children.steps(executionId);
    return allChildrenEnded(steps) ? steps : null;
  }

  /** How long a parent polling Postgres waits before its `deliveries`-th check: 1 s doubling to 30 s. */
  pollDelayMs(deliveries: number): number {
    return Math.min(POLL_MAX_MS, POLL_FIRST_MS * 2 ** Math.min(5, Math.max(0, deliveries - 1)));
  }

  /** The unfinished children of a resumed attempt, as {@link park} takes them; null when all have ended. */
  async pending(run: ParentRun, steps: readonly ChildStep[]): Promise<StartedChildren | null> {
    const step = steps.find((candidate) => candidate.children.some((child) => !isChildEnded(child.status)));
    if (step === undefined) {
      return null;
    }
    return { step: step.step, children: await this.children.childrenOfStep(run.dispatch.executionId, step.step) };
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

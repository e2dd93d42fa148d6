import type { MeridianConfig } from '@meridian/config';
import { type ChildJobRepository, type ChildState, type ChildStep, isChildEnded } from '@meridian/db';
import {
  type ExecutionDispatch,
  type FieldIssue,
  HandlerError,
  parseChildrenRequest,
  prefixIssues,
  UnknownHandlerError,
  ValidationError,
} from '@meridian/domain';
import {
  type ChildJobs,
  type ChildJobSpec,
  ChildrenStartedSignal,
  type ChildResult,
  type HandlerRegistry,
  type StartChildrenOptions,
} from '@meridian/handler-sdk';

/** The children a handler started in one invocation: the step, and every child of it with its state. */
export interface StartedChildren {
  step: string;
  children: ChildState[];
}

/** Whether every child of every step has ended. */
export function allChildrenEnded(steps: readonly ChildStep[]): boolean {
  return steps.every((step) => step.children.every((child) => isChildEnded(child.status)));
}

/**
 * The `ctx.children` of one invocation: `start` validates the children as a create would, stores
 * them and throws {@link ChildrenStartedSignal}, remembering what it started for the runner, which
 * parks the attempt; `results` answers from the steps loaded before the invocation.
 */
export class InvocationChildren implements ChildJobs {
  /** Set once `start` has stored children: the runner parks the attempt whatever the handler did next. */
  started: StartedChildren | undefined;
  private readonly steps: Map<string, ChildStep>;

  constructor(
    private readonly dispatch: ExecutionDispatch,
    private readonly attempt: number,
    steps: readonly ChildStep[],
    private readonly repository: ChildJobRepository,
    private readonly handlers: HandlerRegistry,
    private readonly config: MeridianConfig,
  ) {
    this.steps = new Map(steps.map((step) => [step.step, step]));
  }

  async start(step: string, children: readonly ChildJobSpec[], options: StartChildrenOptions = {}): Promise<never> {
    const now = new Date();
    const request = parseChildrenRequest(
      { step, children, onChildFailure: options.onChildFailure },
      this.config.api,
      now,
    );
    const issues: FieldIssue[] = [];
    const specs = request.specs.map((spec, index) => {
      const path = `children[${index}]`;
      if (!this.config.queues.includes(spec.queue)) {
        issues.push({
          path: `${path}.queue`,
          message: `no queue named "${spec.queue}" is served`,
          code: 'unknown_queue',
        });
        return spec;
      }
      try {
        return { ...spec, payload: this.handlers.parsePayload(spec.handler, spec.payload) };
      } catch (error) {
        if (error instanceof UnknownHandlerError) {
          issues.push({ path: `${path}.handler`, message: error.message, code: 'unknown_handler' });
        } else if (error instanceof ValidationError) {
          issues.push(...prefixIssues(error.issues, path));
        } else {
          throw error;
        }
        return spec;
      }
    });
    if (issues.length > 0) {
      throw new ValidationError(issues.slice(0, 100), 'The children to start are not valid.');
    }
    const stored = await this.repository.start(
      {
        executionId: this.dispatch.executionId,
        jobId: this.dispatch.jobId,
        namespace: this.dispatch.namespace,
        attempt: this.attempt,
      },
      request.step,
      request.onChildFailure,
      specs,
      now,
    );
    if (stored === null) {
      throw new HandlerError('the execution no longer runs (cancelled); no children started', { retryable: false });
    }
    this.started = { step: request.step, children: stored };
    throw new ChildrenStartedSignal(request.step, stored.length);
  }

  results(step: string): ChildResult[] | undefined {
    const found = this.steps.get(step);
    if (found === undefined || !found.children.every((child) => isChildEnded(child.status))) {
      return undefined;
    }
    const children =
      found.onChildFailure === 'ignore_failed'
        ? found.children.filter((child) => child.status === 'SUCCEEDED')
        : found.children;
    return children.map((child) => ({
      index: child.index,
      jobId: child.jobId,
      executionId: child.executionId,
      status: child.status as ChildResult['status'],
      result: child.status === 'SUCCEEDED' ? child.result : null,
      error: child.status === 'SUCCEEDED' ? null : (child.error ?? null),
    }));
  }
}

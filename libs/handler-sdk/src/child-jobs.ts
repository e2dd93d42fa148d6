import type { ChildEndStatus, ChildFailurePolicy, ChildJobRequest } from '@meridian/domain';

export type { ChildFailurePolicy } from '@meridian/domain';

/**
 * One child job: what a create takes, less its timing and dependencies. `handler` must be
 * registered and `queue` served (default `default`); `name` defaults to `<step>[<index>]`. A child
 * runs in its parent's namespace, as soon as it is started.
 */
export type ChildJobSpec = ChildJobRequest;

export interface StartChildrenOptions {
  /**
   * What the parent does when a child ends DEAD or CANCELLED: `fail_parent` (its unfinished siblings
   * are cancelled and the parent fails with `children_failed`, without being invoked again),
   * `ignore_failed` (invoked once all have ended, with the succeeded children only) or `partial`
   * (invoked once all have ended, with every outcome). @defaultValue 'fail_parent'
   */
  onChildFailure?: ChildFailurePolicy;
}

/** How one child ended, as its parent's handler is told once every child of the step has ended. */
export interface ChildResult {
  /** The child's place in the list given to `start`. */
  index: number;
  jobId: string;
  executionId: string;
  status: ChildEndStatus;
  /** The child's result; null unless it succeeded. */
  result: unknown;
  /** The child's last error; null when it succeeded. */
  error: unknown;
}

/**
 * The children a handler starts while it runs: work it only discovers then (fan-out), waited for
 * without holding a worker slot. The usage pattern, for a step named `parts`:
 *
 * ```ts
 * const parts = ctx.children.results('parts');
 * if (parts === undefined) {
 *   await ctx.children.start('parts', specs, { onChildFailure: 'partial' });
 * }
 * return combine(parts);
 * ```
 *
 * `start` never returns: once the children are stored it throws {@link ChildrenStartedSignal}, and
 * the worker parks the attempt. When every child has ended the handler is invoked again, in the
 * same attempt, and `results` answers. Delivery is at-least-once, so the handler may run its code
 * before `start` more than once; `start` itself is idempotent per execution, step and index.
 */
export interface ChildJobs {
  /**
   * Stores `children` as jobs of this execution's step `step` (letters, digits, `_ . : -`, at most
   * 100) and parks the attempt until they have all ended; calling it again for the same step (a
   * redelivery, a later attempt) creates nothing new. Refuses (a non-retryable validation error)
   * an empty list, more than 10,000 children, or a child a create would refuse.
   */
  start(step: string, children: readonly ChildJobSpec[], options?: StartChildrenOptions): Promise<never>;
  /**
   * The children of `step` in index order once every one of them has ended (under `ignore_failed`,
   * only those that succeeded); undefined before (or when the step started none).
   */
  results(step: string): ChildResult[] | undefined;
}

/**
 * Thrown by {@link ChildJobs.start} once the children are stored: the worker turns it into a park
 * of the attempt. Never catch it in handler code (rethrow it if a `catch` may see it).
 */
export class ChildrenStartedSignal extends Error {
  constructor(
    readonly step: string,
    readonly count: number,
  ) {
    super(`started ${count} child job${count === 1 ? '' : 's'} for step "${step}"; waiting for them`);
    this.name = 'ChildrenStartedSignal';
  }
}

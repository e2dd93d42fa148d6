import { ExecutionStatus } from './execution-status.js';

/**
 * What a job does when one of its dependencies ends DEAD, CANCELLED or SKIPPED: `skip` it (and so,
 * transitively, its own dependents), `continue` and run it anyway, or `fail_workflow`: fail the whole
 * workflow and cancel every job of it that has not started.
 */
export const DEPENDENCY_FAILURE_POLICIES = ['skip', 'continue', 'fail_workflow'] as const;
export type DependencyFailurePolicy = (typeof DEPENDENCY_FAILURE_POLICIES)[number];

/** Most jobs in one workflow. */
export const MAX_WORKFLOW_JOBS = 1000;
/** Most dependency edges in one workflow. */
export const MAX_WORKFLOW_EDGES = 5000;
/**
 * Most dependencies (fan-in) of one job, given by id or, in a workflow, by key, unless the deployment
 * says otherwise (JOB_MAX_DEPENDENCIES): each one's result may be handed to the job's handler.
 */
export const MAX_JOB_DEPENDENCIES = 100;
/** The highest fan-in a deployment may allow. */
export const JOB_DEPENDENCIES_CEILING = 1000;

/** A dependency of a job whose count of unfinished dependencies has reached zero. */
export interface EndedDependency {
  /** Status of the dependency's latest execution: final by now. */
  status: ExecutionStatus;
  /** The edge's effective policy. */
  onFailure: DependencyFailurePolicy;
}

/**
 * Whether a job whose dependencies have all ended runs or is skipped: it runs when each dependency
 * succeeded or its edge says `continue`. (A `fail_workflow` edge has already failed the workflow
 * and cancelled the job by the time its dependency ended; should the job still be waiting, it is
 * skipped.)
 */
export function decideRelease(dependencies: readonly EndedDependency[]): 'run' | 'skip' {
  const blocking = dependencies.filter(
    (dependency) => dependency.status !== ExecutionStatus.Succeeded && dependency.onFailure !== 'continue',
  );
  return blocking.length === 0 ? 'run' : 'skip';
}

/** Whether a job ending in `status` fails its workflow, given the policies of the edges out of it. */
export function failsWorkflow(status: ExecutionStatus, outgoing: readonly DependencyFailurePolicy[]): boolean {
  return status !== ExecutionStatus.Succeeded && outgoing.includes('fail_workflow');
}

/**
 * Where a workflow stands. Derived from its marks and its jobs in SQL, where a listing can filter on
 * it: the rules are in libs/db, internal/workflow-progress.ts.
 */
export const WORKFLOW_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

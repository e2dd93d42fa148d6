import { z } from 'zod';

import {
  DEPENDENCY_FAILURE_POLICIES,
  type DependencyFailurePolicy,
  MAX_WORKFLOW_EDGES,
  MAX_WORKFLOW_JOBS,
} from './dependency-policy.js';
import { type FieldIssue, ValidationError } from './errors.js';
import { fanInIssue, jobNameSchema, type JobSpec, type JobSpecLimits, parseJobSpec } from './job-request.js';
import { prefixIssues, toFieldIssues } from './zod-issues.js';

const NODE_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

const failurePolicySchema = z.enum(DEPENDENCY_FAILURE_POLICIES);

/** A dependency: the key (in a workflow) or id (of an existing job), with an optional policy of its own. */
export const dependencySchema = z.union([
  z.string().min(1).max(100),
  z.strictObject({ key: z.string().min(1).max(100), onFailure: failurePolicySchema }),
]);

export const createWorkflowRequestSchema = z.strictObject({
  name: jobNameSchema,
  failurePolicy: failurePolicySchema
    .default('skip')
    .describe('What a job does when a dependency ends DEAD, CANCELLED or SKIPPED; an edge may override it'),
  jobs: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .max(MAX_WORKFLOW_JOBS)
    .describe('Each a job of POST /v1/jobs (without schedule) with a key and optional dependsOn keys'),
});

export interface DependencySpec {
  /** The key of a job of the same workflow, or the id of an existing job. */
  key: string;
  /** The edge's own policy; null: the workflow's (or, for a single job, `skip`). */
  onFailure: DependencyFailurePolicy | null;
}

export interface WorkflowNodeSpec {
  key: string;
  job: JobSpec;
  dependsOn: DependencySpec[];
}

export interface WorkflowSpec {
  name: string;
  failurePolicy: DependencyFailurePolicy;
  /** In dependency order: every job comes after the jobs it depends on. */
  nodes: WorkflowNodeSpec[];
}

/**
 * Validates a workflow request: each job as `POST /v1/jobs` would (no schedule), unique keys, known
 * dependencies, no self edge, no cycle, and the size caps. Every problem found is reported at once,
 * each naming the job (`jobs[3]`) and key involved; a cycle is reported with its path.
 * `checkJob` adds what needs the deployment (handler catalog, queues) and may normalise the payload.
 */
export function parseWorkflowSpec(
  body: unknown,
  limits: JobSpecLimits,
  now: Date,
  checkJob: (job: JobSpec) => FieldIssue[],
): WorkflowSpec {
  const parsed = createWorkflowRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(toFieldIssues(parsed.error));
  }
  const request = parsed.data;
  const issues: FieldIssue[] = [];
  const nodes: (WorkflowNodeSpec & { index: number })[] = [];
  const firstIndexOfKey = new Map<string, number>();

  request.jobs.forEach((raw, index) => {
    const at = `jobs[${index}]`;
    const { key, dependsOn, ...fields } = raw;
    if (typeof key !== 'string' || !NODE_KEY_PATTERN.test(key)) {
      issues.push({
        path: `${at}.key`,
        message: 'must be 1 to 100 letters, digits, ".", "_" or "-"',
        code: 'invalid_key',
      });
      return;
    }
    const earlier = firstIndexOfKey.get(key);
    if (earlier !== undefined) {
      issues.push({
        path: `${at}.key`,
        message: `duplicate key "${key}" (also jobs[${earlier}])`,
        code: 'duplicate_key',
      });
      return;
    }
    firstIndexOfKey.set(key, index);
    const dependencies = parseDependencies(dependsOn, `${at}.dependsOn`, issues);
    const fanIn = fanInIssue(dependencies.length, limits, `${at}.dependsOn`);
    if (fanIn !== null) {
      issues.push(fanIn);
    }
    if ('schedule' in fields) {
      issues.push({
        path: `${at}.schedule`,
        message: 'a workflow job runs once: no schedule',
        code: 'unrecognized_keys',
      });
      return;
    }
    const job = parseNodeJob(fields, limits, now, at, issues);
    if (job === null) {
      return;
    }
    issues.push(...prefixIssues(checkJob(job), at));
    nodes.push({ key, job, dependsOn: dependencies, index });
  });

  for (const node of nodes) {
    node.dependsOn.forEach((dependency, k) => {
      const path = `jobs[${node.index}].dependsOn[${k}]`;
      if (dependency.key === node.key) {
        issues.push({ path, message: `job "${node.key}" cannot depend on itself`, code: 'self_dependency' });
      } else if (!firstIndexOfKey.has(dependency.key)) {
        issues.push({ path, message: `unknown key "${dependency.key}"`, code: 'unknown_key' });
      }
    });
  }
  const edges = nodes.reduce((sum, node) => sum + node.dependsOn.length, 0);
  if (edges > MAX_WORKFLOW_EDGES) {
    issues.push({ path: 'jobs', message: `${edges} dependencies; at most ${MAX_WORKFLOW_EDGES}`, code: 'too_big' });
  }
  if (issues.length > 0) {
    throw new ValidationError(issues);
  }
  const ordered = dependencyOrder(nodes);
  if (!Array.isArray(ordered)) {
    const first = nodes.find((node) => node.key === ordered.cycle[0]);
    throw new ValidationError([
      {
        path: `jobs[${first?.index ?? 0}].dependsOn`,
        message: `dependency cycle: ${ordered.cycle.join(' → ')}`,
        code: 'dependency_cycle',
      },
    ]);
  }
  return {
    name: request.name,
    failurePolicy: request.failurePolicy,
    nodes: ordered.map(({ key, job, dependsOn }) => ({ key, job, dependsOn })),
  };
}

/** Reads `dependsOn` (absent, or a list of keys and `{key, onFailure}`), reporting what is wrong. */
export function parseDependencies(value: unknown, path: string, issues: FieldIssue[]): DependencySpec[] {
  if (value === undefined) {
    return [];
  }
  const parsed = z.array(dependencySchema).safeParse(value);
  if (!parsed.success) {
    issues.push(...prefixIssues(toFieldIssues(parsed.error), path));
    return [];
  }
  const dependencies = parsed.data.map((item) =>
    typeof item === 'string' ? { key: item, onFailure: null } : { key: item.key, onFailure: item.onFailure },
  );
  const seen = new Set<string>();
  dependencies.forEach((dependency, k) => {
    if (seen.has(dependency.key)) {
      issues.push({ path: `${path}[${k}]`, message: `"${dependency.key}" is listed twice`, code: 'duplicate_key' });
    }
    seen.add(dependency.key);
  });
  return dependencies;
}

function parseNodeJob(
  fields: Record<string, unknown>,
  limits: JobSpecLimits,
  now: Date,
  at: string,
  issues: FieldIssue[],
): JobSpec | null {
  try {
    return parseJobSpec(fields, limits, now);
  } catch (error) {
    if (error instanceof ValidationError) {
      issues.push(...prefixIssues(error.issues, at));
      return null;
    }
    throw error;
  }
}

/**
 * Orders nodes so each comes after its dependencies (Kahn's algorithm, stable in request order), or
 * returns one cycle, as keys from a node back to itself.
 */
export function dependencyOrder<T extends { key: string; dependsOn: { key: string }[] }>(
  nodes: readonly T[],
): T[] | { cycle: string[] } {
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const waitingOn = new Map(nodes.map((node) => [node.key, new Set(node.dependsOn.map((d) => d.key))]));
  const dependents = new Map<string, string[]>();
  for (const node of nodes) {
    for (const dependency of node.dependsOn) {
      dependents.set(dependency.key, [...(dependents.get(dependency.key) ?? []), node.key]);
    }
  }
  const ready = nodes.filter((node) => node.dependsOn.length === 0).map((node) => node.key);
  const ordered: T[] = [];
  while (ready.length > 0) {
    const key = ready.shift() as string;
    ordered.push(byKey.get(key) as T);
    for (const dependent of dependents.get(key) ?? []) {
      const remaining = waitingOn.get(dependent) as Set<string>;
      remaining.delete(key);
      if (remaining.size === 0) {
        ready.push(dependent);
      }
    }
  }
  if (ordered.length === nodes.length) {
    return ordered;
  }
  return { cycle: findCycle(nodes.filter((node) => (waitingOn.get(node.key)?.size ?? 0) > 0)) };
}

/** A cycle among nodes that all still wait on one another: walk dependencies until a key repeats. */
function findCycle(stuck: readonly { key: string; dependsOn: { key: string }[] }[]): string[] {
  const byKey = new Map(stuck.map((node) => [node.key, node]));
  const path: string[] = [];
  const position = new Map<string, number>();
  let current = stuck[0];
  while (current !== undefined && !position.has(current.key)) {
    position.set(current.key, path.length);
    path.push(current.key);
    current = current.dependsOn.map((d) => byKey.get(d.key)).find((node) => node !== undefined);
  }
  if (current === undefined) {
    return path;
  }
  // Edges point from a job to what it depends on; report the cycle in the direction work flows.
  return [...path.slice(position.get(current.key)), current.key].reverse();
}

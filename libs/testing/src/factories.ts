import { type ExecutionDispatch, type JobSpec, newId, parseJobSpec } from '@meridian/domain';

/** A valid job specification, as the API would store it, with `overrides` applied to the request. */
export function aJobSpec(overrides: Record<string, unknown> = {}, now: Date = new Date()): JobSpec {
  return parseJobSpec(
    { name: 'test-job', handler: 'noop', ...overrides },
    { maxPayloadBytes: 262_144, runAtPastToleranceMs: 60_000 },
    now,
  );
}

/** The input of JobRepository.createWithFirstExecution for a spec, with fresh ids. */
export function aNewJob(
  spec: JobSpec = aJobSpec(),
  options: { namespace?: string; idempotencyKey?: string | null; requestHash?: string | null } = {},
) {
  return {
    jobId: newId(),
    executionId: newId(),
    namespace: options.namespace ?? 'default',
    spec,
    idempotencyKey: options.idempotencyKey ?? null,
    requestHash: options.requestHash ?? null,
  };
}

/**
 * What a worker is handed for one execution: a one-off job of `handler` in the default namespace and
 * queue, three attempts 700 ms apart, a 200 ms timeout, with `overrides` applied.
 */
export function anExecutionDispatch(overrides: Partial<ExecutionDispatch> = {}): ExecutionDispatch {
  return {
    executionId: newId(),
    jobId: newId(),
    namespace: 'default',
    handler: 'noop',
    payload: {},
    queue: 'default',
    priority: 0,
    timeoutMs: 200,
    scheduledFor: new Date(),
    nominalTime: null,
    hasDependencies: false,
    retry: { maxAttempts: 3, backoffType: 'FIXED', backoffDelayMs: 700, backoffMaxDelayMs: 700, backoffJitter: 0 },
    ...overrides,
  };
}

import { type JobSpec, newId, parseJobSpec } from '@meridian/domain';

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

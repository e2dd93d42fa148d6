import type { HandlerContext } from '@meridian/handler-sdk';

export const EXECUTION_ID = '01930000-0000-7000-8000-00000000000e';
export const JOB_ID = '01930000-0000-7000-8000-00000000000a';

/** A handler's context for a test: attempt 1 of 1 of a job of namespace `default`, unless overridden. */
export function aHandlerContext(overrides: Partial<HandlerContext> = {}): HandlerContext {
  return {
    signal: new AbortController().signal,
    executionId: EXECUTION_ID,
    jobId: JOB_ID,
    namespace: 'default',
    attempt: 1,
    maxAttempts: 1,
    scheduledFor: new Date('2026-03-01T09:00:00.000Z'),
    idempotencyKey: `idem-${EXECUTION_ID}`,
    parents: {},
    children: {
      start: () => Promise.reject(new Error('this test starts no children')),
      results: () => undefined,
    },
    progress: () => Promise.resolve(),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    ...overrides,
  };
}

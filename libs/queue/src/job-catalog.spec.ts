import { describe, expect, it } from '@jest/globals';
import { type ExecutionDispatch, newId } from '@meridian/domain';

import {
  catalogJobOptions,
  jobCatalog,
  JobName,
  MERIDIAN_BACKOFF,
  TICK_QUEUE,
  toExecutionRunData,
} from './job-catalog.js';

const dispatch: ExecutionDispatch = {
  executionId: newId(),
  jobId: newId(),
  namespace: 'default',
  handler: 'noop',
  payload: {},
  queue: 'email',
  priority: 0,
  timeoutMs: 1000,
  scheduledFor: new Date(),
  nominalTime: null,
  hasDependencies: false,
  retry: { maxAttempts: 4, backoffType: 'FIXED', backoffDelayMs: 100, backoffMaxDelayMs: 100, backoffJitter: 0 },
};

describe('jobCatalog', () => {
  it("should send an execution to its job's queue, with its job's attempts and the worker's backoff", () => {
    const policy = jobCatalog[JobName.ExecutionRun];
    const data = toExecutionRunData(dispatch);

    expect(policy.queue(data)).toBe('email');
    expect(catalogJobOptions(policy, data)).toMatchObject({ attempts: 4, backoff: { type: MERIDIAN_BACKOFF } });
  });

  it('should send a tick to the tick queue, retried with exponential backoff', () => {
    const policy = jobCatalog[JobName.ScheduleTick];
    const data = { jobId: newId(), nominalTime: new Date().toISOString() };

    expect(policy.queue(data)).toBe(TICK_QUEUE);
    expect(catalogJobOptions(policy, data)).toMatchObject({
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
    });
  });

  it('should keep finished jobs in Redis for a bounded time and number', () => {
    for (const policy of Object.values(jobCatalog)) {
      expect(policy.removeOnComplete).toEqual(expect.objectContaining({ age: expect.any(Number) }));
      expect(policy.removeOnFail).toEqual(expect.objectContaining({ age: expect.any(Number) }));
    }
  });
});

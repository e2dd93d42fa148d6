import { describe, expect, it } from '@jest/globals';
import { type ExecutionDispatch, type NamespaceLimits, newId } from '@meridian/domain';
import type { Admission, NamespaceAdmission } from '@meridian/queue';
import type { PinoLogger } from 'nestjs-pino';

import { ExecutionAdmission } from './execution-admission.js';
import type { NamespaceLimitsService } from './namespace-limits.service.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

function setup(limits: NamespaceLimits | Error, answer: Admission | Error = { admitted: true }) {
  const leases: number[] = [];
  const admission = {
    admit: (_namespace: string, _executionId: string, _limits: NamespaceLimits, leaseMs: number) => {
      leases.push(leaseMs);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  const namespaceLimits = { of: () => (limits instanceof Error ? Promise.reject(limits) : Promise.resolve(limits)) };
  const sut = new ExecutionAdmission(
    admission as unknown as NamespaceAdmission,
    namespaceLimits as unknown as NamespaceLimitsService,
    silent as unknown as PinoLogger,
  );
  const dispatch = { executionId: newId(), namespace: 'default', timeoutMs: 1000 } as ExecutionDispatch;
  return { sut, dispatch, leases };
}

describe(ExecutionAdmission.name, () => {
  it('should admit a run of a namespace without limits without asking Redis', async () => {
    const { sut, dispatch, leases } = setup({ maxConcurrency: null, maxRunsPerMinute: null });

    await expect(sut.admit(dispatch)).resolves.toEqual({ admitted: true, leased: false });
    expect(leases).toEqual([]);
  });

  it('should hold a concurrency lease for the timeout and a margin', async () => {
    const { sut, dispatch, leases } = setup({ maxConcurrency: 2, maxRunsPerMinute: null });

    await expect(sut.admit(dispatch)).resolves.toEqual({ admitted: true, leased: true });
    expect(leases).toEqual([61_000]);
  });

  it('should hold no lease when only the rate is limited', async () => {
    const { sut, dispatch } = setup({ maxConcurrency: null, maxRunsPerMinute: 10 });

    await expect(sut.admit(dispatch)).resolves.toEqual({ admitted: true, leased: false });
  });

  it('should pass on a refusal with its wait', async () => {
    const { sut, dispatch } = setup(
      { maxConcurrency: 1, maxRunsPerMinute: null },
      { admitted: false, retryInMs: 1000 },
    );

    await expect(sut.admit(dispatch)).resolves.toEqual({ admitted: false, retryInMs: 1000 });
  });

  it('should let the run go ahead when the limits cannot be checked', async () => {
    const down = setup({ maxConcurrency: 1, maxRunsPerMinute: null }, new Error('redis down'));
    const unread = setup(new Error('postgres down'));

    await expect(down.sut.admit(down.dispatch)).resolves.toEqual({ admitted: true, leased: false });
    await expect(unread.sut.admit(unread.dispatch)).resolves.toEqual({ admitted: true, leased: false });
  });
});

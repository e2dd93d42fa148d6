import { describe, expect, it } from '@jest/globals';

import { decideRelease, failsWorkflow } from './dependency-policy.js';
import type { ExecutionStatus } from './execution-status.js';

describe('decideRelease', () => {
  it('should run a job whose dependencies all succeeded', () => {
    expect(decideRelease([{ status: 'SUCCEEDED', onFailure: 'skip' }])).toBe('run');
    expect(decideRelease([])).toBe('run');
  });

  it.each<ExecutionStatus>(['DEAD', 'CANCELLED', 'SKIPPED'])(
    'should skip a job after a dependency %s under skip',
    (status) => {
      expect(
        decideRelease([
          { status: 'SUCCEEDED', onFailure: 'skip' },
          { status, onFailure: 'skip' },
        ]),
      ).toBe('skip');
    },
  );

  it('should run anyway across a continue edge, but not across another failed edge', () => {
    expect(decideRelease([{ status: 'DEAD', onFailure: 'continue' }])).toBe('run');
    expect(
      decideRelease([
        { status: 'DEAD', onFailure: 'continue' },
        { status: 'CANCELLED', onFailure: 'skip' },
      ]),
    ).toBe('skip');
  });
});

describe('failsWorkflow', () => {
  it('should fail the workflow when a job with a fail_workflow edge out of it did not succeed', () => {
    expect(failsWorkflow('DEAD', ['skip', 'fail_workflow'])).toBe(true);
    expect(failsWorkflow('SUCCEEDED', ['fail_workflow'])).toBe(false);
    expect(failsWorkflow('DEAD', ['skip', 'continue'])).toBe(false);
  });
});

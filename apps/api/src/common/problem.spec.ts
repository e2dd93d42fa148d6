import { describe, expect, it } from '@jest/globals';
import { ErrorCode, InvariantViolationError, JobNotFoundError, ValidationError } from '@meridian/domain';

import { describeCode, problemFromError } from './problem.js';

const SERVER_SIDE: ErrorCode[] = [
  ErrorCode.InvariantViolation,
  ErrorCode.InvalidConfiguration,
  ErrorCode.HandlerFailed,
  ErrorCode.HandlerTimedOut,
  ErrorCode.HandlerCancelled,
];

describe('problem details', () => {
  it.each(Object.values(ErrorCode))('should map %s to an HTTP status', (code) => {
    const { status } = describeCode(code);
    if (SERVER_SIDE.includes(code)) {
      expect(status).toBe(500);
    } else {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
  });

  it('should describe a client error with its code, type and message', () => {
    expect(problemFromError(new JobNotFoundError('abc'), '/v1/jobs/abc')).toEqual({
      type: '/problems/job-not-found',
      title: 'Job not found',
      status: 404,
      detail: 'Job abc does not exist.',
      code: 'job_not_found',
      instance: '/v1/jobs/abc',
    });
  });

  it('should carry field-level errors of a validation failure', () => {
    const problem = problemFromError(
      new ValidationError([{ path: 'name', message: 'Required', code: 'invalid_type' }]),
    );
    expect(problem.errors).toEqual([{ path: 'name', message: 'Required', code: 'invalid_type' }]);
    expect(problem.status).toBe(400);
  });

  it('should not show internals of a server error', () => {
    const problem = problemFromError(new InvariantViolationError('connection string postgres://secret@db'));
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('secret');
  });
});

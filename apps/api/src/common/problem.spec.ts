import { describe, expect, it } from '@jest/globals';
import {
  DatabaseUnavailableError,
  type DomainError,
  ErrorCode,
  HandlerCancelledError,
  HandlerError,
  HandlerTimedOutError,
  IdempotencyKeyReusedError,
  IllegalTransitionError,
  InvalidConfigurationError,
  InvariantViolationError,
  JobNotFoundError,
  PayloadTooLargeError,
  UnknownHandlerError,
  ValidationError,
} from '@meridian/domain';

import { describeCode, problemFromError } from './problem.js';

/** Codes that mean the server failed, whatever the request was. */
const SERVER_SIDE: ErrorCode[] = [
  ErrorCode.InvariantViolation,
  ErrorCode.InvalidConfiguration,
  ErrorCode.HandlerFailed,
  ErrorCode.HandlerTimedOut,
  ErrorCode.HandlerCancelled,
  ErrorCode.ChildrenFailed,
];
/** Codes that say a dependency is down: the same request may succeed later. */
const UNAVAILABLE: ErrorCode[] = [ErrorCode.DatabaseUnavailable];
const CLIENT_SIDE = Object.values(ErrorCode).filter(
  (code) => !SERVER_SIDE.includes(code) && !UNAVAILABLE.includes(code),
);

/** The statuses the README documents for client errors. */
const DOCUMENTED: Partial<Record<ErrorCode, number>> = {
  validation_failed: 400,
  malformed_json: 400,
  unknown_handler: 400,
  unknown_queue: 400,
  job_not_found: 404,
  execution_not_found: 404,
  route_not_found: 404,
  job_not_cancellable: 409,
  idempotency_key_reused: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
};

const GENERIC_DETAIL = 'The server failed to handle this request.';
const SECRET = 'postgres://meridian:hunter2@db.internal:5432/meridian';

describe('describeCode', () => {
  it.each(CLIENT_SIDE)('should map client error %s to a 4xx status with a title', (code) => {
    const { status, title } = describeCode(code);

    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(title).not.toBe('');
  });

  it.each(SERVER_SIDE)('should map server error %s to 500', (code) => {
    expect(describeCode(code)).toEqual({ status: 500, title: 'Internal error' });
  });

  it.each(UNAVAILABLE)('should map %s to 503', (code) => {
    expect(describeCode(code)).toEqual({ status: 503, title: 'Service unavailable' });
  });

  it.each(Object.entries(DOCUMENTED))('should map %s to the documented status %i', (code, status) => {
    expect(describeCode(code as ErrorCode).status).toBe(status);
  });

  it('should map the conflicts of recurring jobs and transitions to 409', () => {
    expect(describeCode(ErrorCode.JobNotRecurring).status).toBe(409);
    expect(describeCode(ErrorCode.OverlapForbidsRun).status).toBe(409);
    expect(describeCode(ErrorCode.IllegalTransition).status).toBe(409);
  });
});

describe('problemFromError', () => {
  it('should describe a client error with its type, title, status, message, code and instance', () => {
    expect(problemFromError(new JobNotFoundError('abc'), '/v1/jobs/abc')).toEqual({
      type: '/problems/job-not-found',
      title: 'Job not found',
      status: 404,
      detail: 'Job abc does not exist.',
      code: 'job_not_found',
      instance: '/v1/jobs/abc',
    });
  });

  it('should leave out the instance when none is given', () => {
    expect(problemFromError(new JobNotFoundError('abc'))).not.toHaveProperty('instance');
  });

  it.each<[string, DomainError]>([
    ['validation_failed', new ValidationError([])],
    ['payload_too_large', new PayloadTooLargeError(10)],
    ['unknown_handler', new UnknownHandlerError('x', [])],
    ['idempotency_key_reused', new IdempotencyKeyReusedError('k')],
    ['illegal_transition', new IllegalTransitionError('DEAD', 'RUNNING')],
    ['invariant_violation', new InvariantViolationError('x')],
    ['handler_timed_out', new HandlerTimedOutError(5)],
  ])('should give %s the type /problems/<code with dashes>', (code, error) => {
    const problem = problemFromError(error);

    expect(problem.code).toBe(code);
    expect(problem.type).toBe(`/problems/${code.replaceAll('_', '-')}`);
    expect(problem.type).not.toContain('_');
  });

  it('should tell a client when to come back from an unavailable database, and nothing of the driver', () => {
    const problem = problemFromError(
      new DatabaseUnavailableError(5, { cause: new Error(`connect ECONNREFUSED ${SECRET}`) }),
      '/v1/jobs',
    );

    expect(problem).toEqual({
      type: '/problems/database-unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: 'The database is unavailable; try again in 5 s.',
      code: 'database_unavailable',
      instance: '/v1/jobs',
    });
  });

  it('should carry the field-level errors of a validation failure', () => {
    const problem = problemFromError(
      new ValidationError([{ path: 'name', message: 'Required', code: 'invalid_type' }]),
    );

    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([{ path: 'name', message: 'Required', code: 'invalid_type' }]);
  });

  it('should leave out field-level errors for an error that has none', () => {
    expect(problemFromError(new JobNotFoundError('abc'))).not.toHaveProperty('errors');
  });

  it.each<[string, DomainError]>([
    ['an invariant violation', new InvariantViolationError(`lost connection to ${SECRET}`)],
    ['a handler failure', new HandlerError(`cannot reach ${SECRET}`, { retryable: true, details: { url: SECRET } })],
    ['a handler timeout', new HandlerTimedOutError(30_000)],
    ['a handler cancellation', new HandlerCancelledError(`cancelled while talking to ${SECRET}`)],
    [
      'a configuration error',
      new InvalidConfigurationError([{ path: 'DATABASE_URL', message: `bad value ${SECRET}`, code: 'invalid_format' }]),
    ],
  ])('should show nothing of %s but a generic 500', (_case, error) => {
    const problem = problemFromError(error, '/v1/jobs');

    expect(problem).toEqual({
      type: `/problems/${error.code.replaceAll('_', '-')}`,
      title: 'Internal error',
      status: 500,
      detail: GENERIC_DETAIL,
      code: error.code,
      instance: '/v1/jobs',
    });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});

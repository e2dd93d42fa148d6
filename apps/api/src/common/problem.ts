import {
  assertNever,
  DatabaseUnavailableError,
  type DomainError,
  ErrorCode,
  type FieldIssue,
  QueuesReadOnlyError,
  TooManyRequestsError,
} from '@meridian/domain';
import type { Response } from 'express';

/** RFC 9457 problem details, with Meridian's stable `code` and field-level `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldIssue[];
}

const PROBLEM_JSON = 'application/problem+json';

/** HTTP status and title of every error code: the one mapping from domain errors to HTTP. */
export function describeCode(code: ErrorCode): { status: number; title: string } {
  switch (code) {
    case ErrorCode.ValidationFailed:
      return { status: 400, title: 'Validation failed' };
    case ErrorCode.MalformedJson:
      return { status: 400, title: 'Malformed JSON' };
    case ErrorCode.UnknownHandler:
      return { status: 400, title: 'Unknown handler' };
    case ErrorCode.UnknownQueue:
      return { status: 400, title: 'Unknown queue' };
    case ErrorCode.PayloadTooLarge:
      return { status: 413, title: 'Payload too large' };
    case ErrorCode.UnsupportedMediaType:
      return { status: 415, title: 'Unsupported media type' };
    case ErrorCode.JobNotFound:
      return { status: 404, title: 'Job not found' };
    case ErrorCode.ExecutionNotFound:
      return { status: 404, title: 'Execution not found' };
    case ErrorCode.Unauthorized:
      return { status: 401, title: 'Unauthorized' };
    case ErrorCode.InsufficientScope:
      return { status: 403, title: 'Forbidden' };
    case ErrorCode.RateLimited:
    case ErrorCode.NamespaceRateLimited:
    case ErrorCode.AddressRateLimited:
    case ErrorCode.AuthenticationThrottled:
      return { status: 429, title: 'Too many requests' };
    case ErrorCode.QueuesReadOnly:
      return { status: 405, title: 'Read-only' };
    case ErrorCode.ApiKeyNotFound:
      return { status: 404, title: 'API key not found' };
    case ErrorCode.WorkflowNotFound:
      return { status: 404, title: 'Workflow not found' };
    case ErrorCode.RouteNotFound:
      return { status: 404, title: 'Not found' };
    case ErrorCode.JobNotCancellable:
      return { status: 409, title: 'Job not cancellable' };
    case ErrorCode.WorkflowNotCancellable:
      return { status: 409, title: 'Workflow not cancellable' };
    case ErrorCode.ExecutionNotRetryable:
      return { status: 409, title: 'Execution not retryable' };
    case ErrorCode.JobNotRecurring:
      return { status: 409, title: 'Job not recurring' };
    case ErrorCode.OverlapForbidsRun:
      return { status: 409, title: 'Overlap policy forbids a run now' };
    case ErrorCode.IdempotencyKeyReused:
      return { status: 409, title: 'Idempotency key reused' };
    case ErrorCode.IllegalTransition:
      return { status: 409, title: 'Illegal state transition' };
    case ErrorCode.RecurringJobQuotaExceeded:
      return { status: 422, title: 'Recurring job quota exceeded' };
    case ErrorCode.DatabaseUnavailable:
      return { status: 503, title: 'Service unavailable' };
    case ErrorCode.InvariantViolation:
    case ErrorCode.InvalidConfiguration:
    case ErrorCode.HandlerFailed:
    case ErrorCode.HandlerTimedOut:
    case ErrorCode.HandlerCancelled:
    case ErrorCode.ChildrenFailed:
      return { status: 500, title: 'Internal error' };
    default:
      return assertNever(code);
  }
}

export function problemFromError(error: DomainError, instance?: string): Problem {
  const { status, title } = describeCode(error.code);
  // Field issues help a client fix its request; on a server error they could only leak internals.
  const issues =
    status < 500 && 'issues' in error && Array.isArray(error.issues) ? { errors: error.issues as FieldIssue[] } : {};
  return {
    type: `/problems/${error.code.replaceAll('_', '-')}`,
    title,
    status,
    // A 503's message is Meridian's own (when to come back), never a driver's.
    detail: status >= 500 && status !== 503 ? 'The server failed to handle this request.' : error.message,
    code: error.code,
    ...(instance === undefined ? {} : { instance }),
    ...issues,
  };
}

export function sendProblem(response: Response, problem: Problem): void {
  response.status(problem.status).type(PROBLEM_JSON).send(JSON.stringify(problem));
}

/** Headers an error's answer needs beside its problem: when to try again, what may be done instead. */
export function setErrorHeaders(response: Response, error: DomainError): void {
  if (error instanceof TooManyRequestsError || error instanceof DatabaseUnavailableError) {
    response.setHeader('Retry-After', String(error.retryAfterSeconds));
  }
  if (error instanceof QueuesReadOnlyError) {
    response.setHeader('Allow', 'GET, HEAD');
  }
}

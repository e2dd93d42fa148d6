/**
 * Stable, machine-readable error codes. The API maps each to an HTTP status and a problem type
 * (one filter); the worker maps `retryable` to BullMQ's retry or UnrecoverableError.
 */
export const ErrorCode = {
  ValidationFailed: 'validation_failed',
  Unauthorized: 'unauthorized',
  InsufficientScope: 'insufficient_scope',
  RateLimited: 'rate_limited',
  NamespaceRateLimited: 'namespace_rate_limited',
  AddressRateLimited: 'address_rate_limited',
  AuthenticationThrottled: 'authentication_throttled',
  QueuesReadOnly: 'queues_read_only',
  ApiKeyNotFound: 'api_key_not_found',
  MalformedJson: 'malformed_json',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  UnknownHandler: 'unknown_handler',
  UnknownQueue: 'unknown_queue',
  JobNotFound: 'job_not_found',
  ExecutionNotFound: 'execution_not_found',
  WorkflowNotFound: 'workflow_not_found',
  RouteNotFound: 'route_not_found',
  JobNotCancellable: 'job_not_cancellable',
  JobNotRecurring: 'job_not_recurring',
  OverlapForbidsRun: 'overlap_forbids_run',
  RecurringJobQuotaExceeded: 'recurring_job_quota_exceeded',
  WorkflowNotCancellable: 'workflow_not_cancellable',
  ExecutionNotRetryable: 'execution_not_retryable',
  IdempotencyKeyReused: 'idempotency_key_reused',
  IllegalTransition: 'illegal_transition',
  InvariantViolation: 'invariant_violation',
  DatabaseUnavailable: 'database_unavailable',
  HandlerFailed: 'handler_failed',
  HandlerTimedOut: 'handler_timed_out',
  HandlerCancelled: 'handler_cancelled',
  ChildrenFailed: 'children_failed',
  InvalidConfiguration: 'invalid_configuration',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One field-level problem in a rejected input. `path` is a JSON pointer-like dotted path. */
export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Whether a later attempt may succeed where this one failed. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code = ErrorCode.ValidationFailed;
  constructor(
    readonly issues: FieldIssue[],
    message = 'The request is not valid.',
  ) {
    super(message);
  }
}

export class MalformedJsonError extends DomainError {
  readonly code = ErrorCode.MalformedJson;
}

export class PayloadTooLargeError extends DomainError {
  readonly code = ErrorCode.PayloadTooLarge;
  constructor(
    readonly limitBytes: number,
    what = 'request body',
  ) {
    super(`The ${what} exceeds the limit of ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = ErrorCode.UnsupportedMediaType;
}

export class UnknownHandlerError extends DomainError {
  readonly code = ErrorCode.UnknownHandler;
  constructor(
    readonly handler: string,
    readonly known: readonly string[],
  ) {
    super(`No handler named "${handler}" is registered. Known handlers: ${known.join(', ')}.`);
  }
}

export class UnknownQueueError extends DomainError {
  readonly code = ErrorCode.UnknownQueue;
  constructor(
    readonly queue: string,
    readonly known: readonly string[],
  ) {
    super(`No queue named "${queue}" is configured. Known queues: ${known.join(', ')}.`);
  }
}

export class JobNotFoundError extends DomainError {
  readonly code = ErrorCode.JobNotFound;
  constructor(readonly jobId: string) {
    super(`Job ${jobId} does not exist.`);
  }
}

export class ExecutionNotFoundError extends DomainError {
  readonly code = ErrorCode.ExecutionNotFound;
  constructor(readonly executionId: string) {
    super(`Execution ${executionId} does not exist.`);
  }
}

export class RouteNotFoundError extends DomainError {
  readonly code = ErrorCode.RouteNotFound;
}

export class JobNotCancellableError extends DomainError {
  readonly code = ErrorCode.JobNotCancellable;
  constructor(
    readonly jobId: string,
    readonly status: string,
  ) {
    super(`Job ${jobId} is ${status} and has nothing left to cancel.`);
  }
}

export class JobNotRecurringError extends DomainError {
  readonly code = ErrorCode.JobNotRecurring;
  constructor(readonly jobId: string) {
    super(`Job ${jobId} has no schedule.`);
  }
}

export class OverlapForbidsRunError extends DomainError {
  readonly code = ErrorCode.OverlapForbidsRun;
  constructor(readonly jobId: string) {
    super(`Job ${jobId} has a run still going and its overlap policy is "skip".`);
  }
}

/**
 * A create would take the namespace past its quota of recurring jobs (active or paused). `issues`
 * names each job refused (`schedule`, or `jobs[i].schedule` in a batch); nothing was stored.
 */
export class RecurringJobQuotaExceededError extends DomainError {
  readonly code = ErrorCode.RecurringJobQuotaExceeded;
  constructor(
    readonly namespace: string,
    readonly quota: number,
    readonly issues: FieldIssue[],
  ) {
    super(
      `Namespace "${namespace}" may have at most ${quota} recurring jobs (active or paused); ` +
        'delete or let end some of them, or ask an operator for a larger quota. Nothing was stored.',
    );
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = ErrorCode.IdempotencyKeyReused;
  constructor(readonly key: string) {
    super(`Idempotency-Key "${key}" was already used for a different request.`);
  }
}

export class IllegalTransitionError extends DomainError {
  readonly code = ErrorCode.IllegalTransition;
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`An execution cannot go from ${from} to ${to}.`);
  }
}

export class InvariantViolationError extends DomainError {
  readonly code = ErrorCode.InvariantViolation;
}

/**
 * Postgres could not be reached, or the connection was lost, so the request was not served. Its
 * writes are transactions that either committed whole or not at all; the same request, sent again
 * once Postgres is back (with an Idempotency-Key for a create whose answer was lost), is safe.
 */
export class DatabaseUnavailableError extends DomainError {
  readonly code = ErrorCode.DatabaseUnavailable;
  override readonly retryable = true;
  constructor(
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(`The database is unavailable; try again in ${retryAfterSeconds} s.`, options);
  }
}

export class InvalidConfigurationError extends DomainError {
  readonly code = ErrorCode.InvalidConfiguration;
  constructor(readonly issues: FieldIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/**
 * A handler's failure. Throw it from a handler to say whether retrying can help; any other error
 * a handler throws is treated as retryable.
 */
export class HandlerError extends DomainError {
  readonly code: ErrorCode = ErrorCode.HandlerFailed;
  override readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; details?: Record<string, unknown>; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.details = options.details;
  }
  readonly details: Record<string, unknown> | undefined;
}

export class HandlerTimedOutError extends DomainError {
  readonly code = ErrorCode.HandlerTimedOut;
  override readonly retryable = true;
  constructor(readonly timeoutMs: number) {
    super(`The attempt did not finish within its timeout of ${timeoutMs} ms.`);
  }
}

export class HandlerCancelledError extends DomainError {
  readonly code = ErrorCode.HandlerCancelled;
}

export class WorkflowNotFoundError extends DomainError {
  readonly code = ErrorCode.WorkflowNotFound;
  constructor(readonly workflowId: string) {
    super(`No workflow with id ${workflowId}.`);
  }
}

export class WorkflowNotCancellableError extends DomainError {
  readonly code = ErrorCode.WorkflowNotCancellable;
  constructor(readonly workflowId: string) {
    super(`Workflow ${workflowId} was cancelled before, or has no job left to cancel.`);
  }
}

export class ExecutionNotRetryableError extends DomainError {
  readonly code = ErrorCode.ExecutionNotRetryable;
  constructor(
    readonly executionId: string,
    reason: string,
  ) {
    super(`Execution ${executionId} cannot be retried: ${reason}.`);
  }
}

export class UnauthorizedError extends DomainError {
  readonly code = ErrorCode.Unauthorized;
}

export class InsufficientScopeError extends DomainError {
  readonly code = ErrorCode.InsufficientScope;
  /** `why`, if given, says who holds the scope, or why this request needs it. */
  constructor(
    readonly required: string,
    why?: string,
  ) {
    super(`This key does not have the ${required} scope this request needs${why === undefined ? '' : ` (${why})`}.`);
  }
}

export class ApiKeyNotFoundError extends DomainError {
  readonly code = ErrorCode.ApiKeyNotFound;
  constructor(readonly keyId: string) {
    super(`No key with id ${keyId} in this namespace.`);
  }
}

/** A request refused for a while: the answer is a 429 with `Retry-After`. */
export abstract class TooManyRequestsError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

/** The key made more requests than its own limit allows. */
export class RateLimitedError extends TooManyRequestsError {
  readonly code = ErrorCode.RateLimited;
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, `Too many requests with this key; try again in ${retryAfterSeconds} s.`);
  }
}

/** The keys of the namespace together made more requests than the namespace's limit allows. */
export class NamespaceRateLimitedError extends TooManyRequestsError {
  readonly code = ErrorCode.NamespaceRateLimited;
  constructor(retryAfterSeconds: number) {
    super(
      retryAfterSeconds,
      `Too many requests with this namespace's keys together; try again in ${retryAfterSeconds} s.`,
    );
  }
}

/** The client's address made more requests than any one address may, whatever their keys. */
export class AddressRateLimitedError extends TooManyRequestsError {
  readonly code = ErrorCode.AddressRateLimited;
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, `Too many requests from this address; try again in ${retryAfterSeconds} s.`);
  }
}

/** The client's address failed to authenticate too often: it is refused until the window ends. */
export class AuthenticationThrottledError extends TooManyRequestsError {
  readonly code = ErrorCode.AuthenticationThrottled;
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, `Too many failed authentications from this address; try again in ${retryAfterSeconds} s.`);
  }
}

/** A change through the queue admin UI while it is read-only (the REST API makes changes). */
export class QueuesReadOnlyError extends DomainError {
  readonly code = ErrorCode.QueuesReadOnly;
  constructor() {
    super('The queue admin UI is read-only: retry, cancel or delete through the REST API, which records it.');
  }
}

/**
 * A parent whose children were started under the `fail_parent` policy ends with this, without its
 * handler being invoked again, once one of them ended DEAD or CANCELLED. Final: a retry of the same
 * attempt would find the same children.
 */
export class ChildrenFailedError extends DomainError {
  readonly code = ErrorCode.ChildrenFailed;
  readonly details: Record<string, unknown>;
  constructor(
    readonly step: string,
    readonly failed: readonly { index: number; jobId: string; status: string }[],
  ) {
    super(
      `${failed.length} child job${failed.length === 1 ? '' : 's'} of step "${step}" did not succeed: ${failed
        .slice(0, 5)
        .map((child) => `#${child.index} ${child.status}`)
        .join(', ')}${failed.length > 5 ? ', …' : ''}.`,
    );
    this.details = { step, failed: failed.slice(0, 100), failedCount: failed.length };
  }
}

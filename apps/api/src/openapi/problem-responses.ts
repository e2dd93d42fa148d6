import { ApiExtension, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';

import { ref } from './components.js';

const PROBLEM_JSON = 'application/problem+json';

/** The `content` of an error answer: every error is a Problem, as application/problem+json. */
export const problemContent = { [PROBLEM_JSON]: { schema: ref('Problem') } };

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
};

/**
 * The error answers several operations share (`components.responses`), by name. Each says when it
 * happens; its Problem's `code` says which case it is.
 */
export const PROBLEM_RESPONSES = {
  BadRequest: {
    status: 400,
    description:
      'The request is invalid (validation_failed, with `errors` naming each field or query parameter at fault), ' +
      'its JSON is malformed (malformed_json), or it names an unknown handler or queue (unknown_handler, unknown_queue).',
  },
  Unauthorized: {
    status: 401,
    description: 'No API key, or one that is unknown or revoked (unauthorized).',
    headers: { 'WWW-Authenticate': { description: 'Bearer realm="meridian"', schema: { type: 'string' } } },
  },
  Forbidden: {
    status: 403,
    description:
      'The key lacks the scope the operation needs (insufficient_scope): jobs:read for reads, jobs:write for ' +
      "changes, admin for keys, audit and the namespace's secret, operator (a key of namespace default) for " +
      "namespaces; or it names another namespace than the key's own.",
  },
  NotFound: {
    status: 404,
    description:
      "Nothing with this id in the key's namespace (job_not_found, execution_not_found, workflow_not_found, api_key_not_found). An id that is not a UUID names nothing either.",
  },
  PayloadTooLarge: {
    status: 413,
    description:
      'The body is over API_MAX_BODY_BYTES (API_MAX_BATCH_BODY_BYTES for batches and workflows), or a payload over JOB_MAX_PAYLOAD_BYTES (payload_too_large).',
  },
  UnsupportedMediaType: {
    status: 415,
    description: 'A body that is not application/json (unsupported_media_type).',
  },
  RecurringJobQuotaExceeded: {
    status: 422,
    description:
      'The namespace has as many recurring jobs as its maxRecurringJobs allows, active or paused (recurring_job_quota_exceeded).',
  },
  TooManyRequests: {
    status: 429,
    description:
      'Over a rate limit: of the client address (address_rate_limited), of the key (rate_limited), of the namespace ' +
      '(namespace_rate_limited), or too many failed authentications (authentication_throttled).',
    headers: retryAfter,
  },
  ServiceUnavailable: {
    status: 503,
    description: 'Postgres is unavailable (database_unavailable); nothing was done. Try again after Retry-After.',
    headers: retryAfter,
  },
} as const satisfies Record<string, { status: number; description: string; headers?: object }>;

export type ProblemResponseName = keyof typeof PROBLEM_RESPONSES;

/** The extension that carries an operation's shared error answers until the document is assembled. */
export const PROBLEMS_EXTENSION = 'x-meridian-problems';

/** The document's `components.responses`. */
export function problemResponses(): NonNullable<NonNullable<OpenAPIObject['components']>['responses']> {
  return Object.fromEntries(
    Object.entries(PROBLEM_RESPONSES).map(([name, { status: _status, ...response }]) => [
      name,
      { ...response, content: problemContent },
    ]),
  );
}

/**
 * The shared error answers an operation gives besides those of every operation of its kind (see
 * buildApiDocument): `@ApiProblems('NotFound')`.
 */
export function ApiProblems(...names: ProblemResponseName[]): MethodDecorator {
  return ApiExtension(PROBLEMS_EXTENSION, names);
}

/** A 409 of one operation, with what the conflict is there. */
export function ApiConflict(description: string): MethodDecorator {
  return ApiResponse({ status: 409, description, content: problemContent });
}

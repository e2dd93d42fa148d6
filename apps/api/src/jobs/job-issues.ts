import {
  type FieldIssue,
  PayloadTooLargeError,
  UnknownHandlerError,
  UnknownQueueError,
  ValidationError,
} from '@meridian/domain';

/**
 * What a job's validation refused, as field issues, so that a request of many jobs can report every
 * job's problems at once: a ValidationError's own issues, and the errors that concern one field (an
 * unknown handler or queue, a payload over the size limit) at that field. Anything else is rethrown.
 */
export function toJobIssues(error: unknown): FieldIssue[] {
  if (error instanceof ValidationError) {
    return error.issues;
  }
  if (error instanceof UnknownHandlerError) {
    return [{ path: 'handler', message: error.message, code: error.code }];
  }
  if (error instanceof UnknownQueueError) {
    return [{ path: 'queue', message: error.message, code: error.code }];
  }
  if (error instanceof PayloadTooLargeError) {
    return [{ path: 'payload', message: error.message, code: error.code }];
  }
  throw error;
}

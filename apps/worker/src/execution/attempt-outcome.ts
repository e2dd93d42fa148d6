import { DomainError, HandlerTimedOutError } from '@meridian/domain';

import { CANCELLED_BY_USER, WORKER_SHUTDOWN } from './abort-reasons.js';

export type HandlerOutcome =
  | { kind: 'succeeded'; result: unknown }
  | { kind: 'failed'; error: Record<string, unknown>; retryable: boolean; timedOut: boolean }
  | { kind: 'cancelled' }
  | { kind: 'shutdown' };

/** Classifies how a handler invocation ended: by the abort reason first, then by the error. */
export function classifyFailure(error: unknown, signal: AbortSignal): HandlerOutcome {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason === CANCELLED_BY_USER) {
      return { kind: 'cancelled' };
    }
    if (reason === WORKER_SHUTDOWN) {
      return { kind: 'shutdown' };
    }
    if (reason instanceof HandlerTimedOutError) {
      return { kind: 'failed', error: serializeError(reason), retryable: true, timedOut: true };
    }
  }
  const retryable = error instanceof DomainError ? error.retryable : true;
  return { kind: 'failed', error: serializeError(error), retryable, timedOut: false };
}

/**
 * What the worker's log says of a failed attempt: its code and message, and the http status or the
 * reason of a refusal. Not the details: a handler may attach the request it sent, headers and all,
 * or a response echoing them, and they are in the attempt's record in Postgres already.
 */
export function loggedError(error: Record<string, unknown>): Record<string, unknown> {
  const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
  const { status, reason } = details as { status?: unknown; reason?: unknown };
  return {
    code: error.code,
    message: error.message,
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

/** An error as JSON for the execution's history: code, message and any details the handler attached. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (error instanceof DomainError) {
    const details = 'details' in error && error.details !== undefined ? { details: error.details } : {};
    return { code: error.code, message: error.message, ...details };
  }
  if (error instanceof Error) {
    return { code: 'handler_failed', name: error.name, message: error.message };
  }
  return { code: 'handler_failed', message: String(error) };
}

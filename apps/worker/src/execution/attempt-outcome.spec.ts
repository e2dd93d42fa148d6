import { describe, expect, it } from '@jest/globals';
import { HandlerError, HandlerTimedOutError, ValidationError } from '@meridian/domain';

import { CANCELLED_BY_USER, WORKER_SHUTDOWN } from './abort-reasons.js';
import { classifyFailure, serializeError } from './attempt-outcome.js';

const aborted = (reason: unknown) => {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
};
const live = new AbortController().signal;

describe('classifyFailure', () => {
  it('should call a user-cancelled attempt cancelled, whatever the handler threw', () => {
    expect(classifyFailure(new Error('aborted'), aborted(CANCELLED_BY_USER))).toEqual({ kind: 'cancelled' });
  });

  it('should call an attempt aborted by shutdown a shutdown', () => {
    expect(classifyFailure(new Error('aborted'), aborted(WORKER_SHUTDOWN))).toEqual({ kind: 'shutdown' });
  });

  it('should call an attempt aborted by its timeout a retryable timed-out failure', () => {
    expect(classifyFailure(new Error('aborted'), aborted(new HandlerTimedOutError(500)))).toMatchObject({
      kind: 'failed',
      retryable: true,
      timedOut: true,
      error: { code: 'handler_timed_out' },
    });
  });

  it('should honour a handler error that says it is not retryable', () => {
    const error = new HandlerError('card declined', { retryable: false, details: { reason: 'declined' } });
    expect(classifyFailure(error, live)).toEqual({
      kind: 'failed',
      retryable: false,
      timedOut: false,
      error: { code: 'handler_failed', message: 'card declined', details: { reason: 'declined' } },
    });
  });

  it('should retry an ordinary error and refuse to retry a payload that does not validate', () => {
    expect(classifyFailure(new TypeError('boom'), live)).toMatchObject({ kind: 'failed', retryable: true });
    expect(classifyFailure(new ValidationError([]), live)).toMatchObject({ kind: 'failed', retryable: false });
  });
});

describe('serializeError', () => {
  it('should keep what explains an error and nothing that cannot be stored', () => {
    expect(serializeError(new RangeError('out of range'))).toEqual({
      code: 'handler_failed',
      name: 'RangeError',
      message: 'out of range',
    });
    expect(serializeError('plain string')).toEqual({ code: 'handler_failed', message: 'plain string' });
  });
});

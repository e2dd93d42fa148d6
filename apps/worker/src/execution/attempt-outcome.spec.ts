import { describe, expect, it } from '@jest/globals';
import {
  HandlerError,
  HandlerTimedOutError,
  InvariantViolationError,
  UnknownHandlerError,
  ValidationError,
} from '@meridian/domain';

import { CANCELLED_BY_USER, WORKER_SHUTDOWN } from './abort-reasons.js';
import { classifyFailure, loggedError, serializeError } from './attempt-outcome.js';

const aborted = (reason: unknown) => {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
};
const live = () => new AbortController().signal;

describe('classifyFailure', () => {
  describe('when the attempt was aborted', () => {
    it('should call a user-cancelled attempt cancelled, whatever the handler threw', () => {
      expect(classifyFailure(new Error('aborted'), aborted(CANCELLED_BY_USER))).toEqual({ kind: 'cancelled' });
      expect(classifyFailure(CANCELLED_BY_USER, aborted(CANCELLED_BY_USER))).toEqual({ kind: 'cancelled' });
      expect(classifyFailure(new HandlerError('declined', { retryable: false }), aborted(CANCELLED_BY_USER))).toEqual({
        kind: 'cancelled',
      });
    });

    it('should call an attempt aborted by shutdown a shutdown, whatever the handler threw', () => {
      expect(classifyFailure(new Error('aborted'), aborted(WORKER_SHUTDOWN))).toEqual({ kind: 'shutdown' });
      expect(classifyFailure(new HandlerError('declined', { retryable: false }), aborted(WORKER_SHUTDOWN))).toEqual({
        kind: 'shutdown',
      });
    });

    it('should call an attempt aborted by its timeout a retryable timed-out failure, described by the timeout', () => {
      expect(classifyFailure(new Error('aborted'), aborted(new HandlerTimedOutError(500)))).toEqual({
        kind: 'failed',
        retryable: true,
        timedOut: true,
        error: { code: 'handler_timed_out', message: 'The attempt did not finish within its timeout of 500 ms.' },
      });
    });

    it('should retry a timed-out attempt even if the handler threw a non-retryable error', () => {
      const outcome = classifyFailure(
        new HandlerError('declined', { retryable: false }),
        aborted(new HandlerTimedOutError(500)),
      );
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, timedOut: true });
    });

    it("should classify by the error when the abort reason is not one of Meridian's", () => {
      expect(classifyFailure(new HandlerError('gone', { retryable: false }), aborted('something else'))).toEqual({
        kind: 'failed',
        retryable: false,
        timedOut: false,
        error: { code: 'handler_failed', message: 'gone' },
      });
      expect(classifyFailure(new Error('aborted'), aborted(undefined))).toMatchObject({
        kind: 'failed',
        retryable: true,
        timedOut: false,
      });
    });
  });

  describe('when the handler failed on its own', () => {
    it('should honour a handler error that says it is not retryable', () => {
      const error = new HandlerError('card declined', { retryable: false, details: { reason: 'declined' } });
      expect(classifyFailure(error, live())).toEqual({
        kind: 'failed',
        retryable: false,
        timedOut: false,
        error: { code: 'handler_failed', message: 'card declined', details: { reason: 'declined' } },
      });
    });

    it('should honour a handler error that says it is retryable', () => {
      const error = new HandlerError('busy', { retryable: true });
      expect(classifyFailure(error, live())).toEqual({
        kind: 'failed',
        retryable: true,
        timedOut: false,
        error: { code: 'handler_failed', message: 'busy' },
      });
    });

    it('should retry a plain error', () => {
      expect(classifyFailure(new Error('boom'), live())).toEqual({
        kind: 'failed',
        retryable: true,
        timedOut: false,
        error: { code: 'handler_failed', name: 'Error', message: 'boom' },
      });
      expect(classifyFailure(new TypeError('x is undefined'), live())).toMatchObject({ retryable: true });
    });

    it('should retry something thrown that is not an error', () => {
      expect(classifyFailure('a string', live())).toEqual({
        kind: 'failed',
        retryable: true,
        timedOut: false,
        error: { code: 'handler_failed', message: 'a string' },
      });
      expect(classifyFailure(undefined, live())).toMatchObject({ kind: 'failed', retryable: true });
    });

    it.each([
      ['a payload that does not validate', new ValidationError([])],
      ['an unknown handler', new UnknownHandlerError('sms', ['http'])],
      ['a broken invariant', new InvariantViolationError('x')],
    ])('should not retry %s (a non-retryable domain error)', (_case, error) => {
      expect(classifyFailure(error, live())).toMatchObject({ kind: 'failed', retryable: false, timedOut: false });
    });

    it('should retry a timeout error thrown without the timeout signal, without calling it timed out', () => {
      expect(classifyFailure(new HandlerTimedOutError(500), live())).toMatchObject({
        kind: 'failed',
        retryable: true,
        timedOut: false,
      });
    });
  });
});

describe('serializeError', () => {
  it('should keep the code and message of a domain error', () => {
    expect(serializeError(new ValidationError([], 'bad payload'))).toEqual({
      code: 'validation_failed',
      message: 'bad payload',
    });
  });

  it('should keep the details a handler attached, and leave them out when there are none', () => {
    expect(serializeError(new HandlerError('no', { retryable: false, details: { status: 404 } }))).toEqual({
      code: 'handler_failed',
      message: 'no',
      details: { status: 404 },
    });
    expect(serializeError(new HandlerError('no', { retryable: false }))).not.toHaveProperty('details');
  });

  it('should keep the name and message of an ordinary error, and no stack', () => {
    const serialized = serializeError(new RangeError('out of range'));
    expect(serialized).toEqual({ code: 'handler_failed', name: 'RangeError', message: 'out of range' });
    expect(serialized).not.toHaveProperty('stack');
  });

  it('should describe anything else thrown as text', () => {
    expect(serializeError('plain string')).toEqual({ code: 'handler_failed', message: 'plain string' });
    expect(serializeError(42)).toEqual({ code: 'handler_failed', message: '42' });
    expect(serializeError(null)).toEqual({ code: 'handler_failed', message: 'null' });
  });
});

describe('loggedError', () => {
  it("should keep the code, message and http status of a failure, and not its details, which may echo the request's headers", () => {
    const error = serializeError(
      new HandlerError('POST https://example.com/hook answered 500', {
        retryable: true,
        details: { status: 500, body: { echo: { authorization: 'Bearer tenant-secret' } }, truncated: false },
      }),
    );

    expect(loggedError(error)).toEqual({
      code: 'handler_failed',
      message: 'POST https://example.com/hook answered 500',
      status: 500,
    });
  });

  it('should keep the reason of a refused target', () => {
    const error = serializeError(
      new HandlerError('refused: not a public address', {
        retryable: false,
        details: { reason: 'forbidden_target', url: 'http://10.0.0.1/' },
      }),
    );

    expect(loggedError(error)).toEqual({
      code: 'handler_failed',
      message: 'refused: not a public address',
      reason: 'forbidden_target',
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { InvariantViolationError, UnknownHandlerError, ValidationError } from '@meridian/domain';
import { z } from 'zod';

import { defineHandler } from './define-handler.js';
import { HandlerRegistry } from './handler-registry.js';

const greet = defineHandler(
  'greet',
  z.strictObject({
    who: z.string(),
    times: z.int().min(1).default(1),
    style: z.strictObject({ loud: z.boolean() }).optional(),
  }),
  (payload) => Promise.resolve(`hello ${payload.who}`),
);
const noop = defineHandler('noop', z.unknown(), () => Promise.resolve(null));
const email = defineHandler('email', z.strictObject({ to: z.email() }), () => Promise.resolve(null));

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

function issuePathsOf(action: () => unknown): string[] {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.path).sort();
}

describe(HandlerRegistry.name, () => {
  describe('construction', () => {
    it('should refuse two handlers of one name, naming it', () => {
      const error = thrownBy(() => new HandlerRegistry([greet, noop, greet]));

      expect(error).toBeInstanceOf(InvariantViolationError);
      expect((error as Error).message).toContain('"greet"');
    });

    it('should refuse two different definitions that share a name', () => {
      const otherGreet = defineHandler('greet', z.unknown(), () => Promise.resolve('hi'));
      expect(() => new HandlerRegistry([greet, otherGreet])).toThrow(InvariantViolationError);
    });

    it('should accept an empty list', () => {
      expect(new HandlerRegistry([]).names()).toEqual([]);
    });
  });

  describe('names', () => {
    it('should list its handlers by name, sorted', () => {
      const sut = new HandlerRegistry([noop, greet, email]);
      expect(sut.names()).toEqual(['email', 'greet', 'noop']);
    });
  });

  describe('get', () => {
    it('should return the definition registered under a name', () => {
      const sut = new HandlerRegistry([noop, greet]);
      expect(sut.get('greet')).toBe(greet);
      expect(sut.get('noop')).toBe(noop);
    });

    it('should refuse an unknown handler with UnknownHandlerError listing the known names', () => {
      const sut = new HandlerRegistry([noop, greet]);

      const error = thrownBy(() => sut.get('sms'));

      expect(error).toBeInstanceOf(UnknownHandlerError);
      expect(error).toMatchObject({ code: 'unknown_handler', handler: 'sms', known: ['greet', 'noop'] });
      expect((error as Error).message).toBe('No handler named "sms" is registered. Known handlers: greet, noop.');
    });

    it('should match names exactly', () => {
      const sut = new HandlerRegistry([greet]);
      expect(() => sut.get('Greet')).toThrow(UnknownHandlerError);
      expect(() => sut.get('greet ')).toThrow(UnknownHandlerError);
    });
  });

  describe('parsePayload', () => {
    it('should return the parsed payload, defaults filled', () => {
      const sut = new HandlerRegistry([greet]);
      expect(sut.parsePayload('greet', { who: 'ada' })).toEqual({ who: 'ada', times: 1 });
    });

    it('should report problems under "payload."', () => {
      const sut = new HandlerRegistry([greet]);
      expect(issuePathsOf(() => sut.parsePayload('greet', { who: 7, extra: true }))).toEqual([
        'payload.extra',
        'payload.who',
      ]);
    });

    it('should report a nested problem with its full dotted path', () => {
      const sut = new HandlerRegistry([greet]);
      expect(issuePathsOf(() => sut.parsePayload('greet', { who: 'ada', style: { loud: 'yes' } }))).toEqual([
        'payload.style.loud',
      ]);
    });

    it('should report a payload of the wrong type at "payload" itself', () => {
      const sut = new HandlerRegistry([greet]);
      expect(issuePathsOf(() => sut.parsePayload('greet', 'ada'))).toEqual(['payload']);
    });

    it('should report a missing field under "payload."', () => {
      const sut = new HandlerRegistry([email]);
      expect(issuePathsOf(() => sut.parsePayload('email', {}))).toEqual(['payload.to']);
    });

    it('should refuse a payload for an unknown handler with UnknownHandlerError', () => {
      const sut = new HandlerRegistry([greet]);
      expect(() => sut.parsePayload('sms', {})).toThrow(UnknownHandlerError);
    });
  });
});

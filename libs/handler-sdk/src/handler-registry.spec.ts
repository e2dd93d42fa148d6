import { describe, expect, it } from '@jest/globals';
import { InvariantViolationError, UnknownHandlerError, ValidationError } from '@meridian/domain';
import { z } from 'zod';

import { defineHandler } from './define-handler.js';
import { HandlerRegistry } from './handler-registry.js';

const greet = defineHandler('greet', z.strictObject({ who: z.string() }), (payload) =>
  Promise.resolve(`hello ${payload.who}`),
);
const noop = defineHandler('noop', z.unknown(), () => Promise.resolve(null));

describe(HandlerRegistry.name, () => {
  it('should refuse to be built with two handlers of one name', () => {
    expect(() => new HandlerRegistry([greet, noop, greet])).toThrow(InvariantViolationError);
  });

  it('should list its handlers by name', () => {
    const sut = new HandlerRegistry([noop, greet]);
    expect(sut.names()).toEqual(['greet', 'noop']);
    expect(sut.get('greet')).toBe(greet);
  });

  it('should name the known handlers when asked for an unknown one', () => {
    const sut = new HandlerRegistry([noop, greet]);
    expect(() => sut.get('email')).toThrow(UnknownHandlerError);
    expect(() => sut.get('email')).toThrow('Known handlers: greet, noop');
  });

  it('should validate a payload and report problems under "payload"', () => {
    const sut = new HandlerRegistry([greet]);
    expect(sut.parsePayload('greet', { who: 'ada' })).toEqual({ who: 'ada' });
    try {
      sut.parsePayload('greet', { who: 7, extra: true });
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual([
        'payload.extra',
        'payload.who',
      ]);
    }
  });
});

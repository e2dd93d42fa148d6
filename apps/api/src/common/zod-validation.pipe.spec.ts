import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@meridian/domain';
import { z } from 'zod';

import { ZodValidationPipe } from './zod-validation.pipe.js';

const schema = z.strictObject({ limit: z.coerce.number().int().min(1).default(20) });

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

describe(ZodValidationPipe.name, () => {
  it('should return the parsed value, defaults applied', () => {
    const sut = new ZodValidationPipe(schema);

    expect(sut.transform({ limit: '5' }, { type: 'query' })).toEqual({ limit: 5 });
    expect(sut.transform({}, { type: 'body' })).toEqual({ limit: 20 });
  });

  it('should name a bad query parameter under query.', () => {
    const sut = new ZodValidationPipe(schema);

    expect(issuesOf(() => sut.transform({ limit: '0' }, { type: 'query' }))).toEqual([
      expect.objectContaining({ path: 'query.limit' }),
    ]);
  });

  it('should name a bad body field by its path alone', () => {
    const sut = new ZodValidationPipe(schema);

    expect(issuesOf(() => sut.transform({ limit: 0 }, { type: 'body' }))).toEqual([
      expect.objectContaining({ path: 'limit' }),
    ]);
  });

  it('should refuse a null body unless null counts as no body', () => {
    const optional = schema.default({ limit: 20 });

    expect(() => new ZodValidationPipe(optional).transform(null, { type: 'body' })).toThrow(ValidationError);
    expect(new ZodValidationPipe(optional, { nullIsAbsent: true }).transform(null, { type: 'body' })).toEqual({
      limit: 20,
    });
  });
});

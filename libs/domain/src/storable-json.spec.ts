import { describe, expect, it } from '@jest/globals';

import { ValidationError } from './errors.js';
import { assertStorableJson, toStorableJson } from './storable-json.js';

describe('storable JSON', () => {
  it('should refuse input holding a NUL character, naming the field', () => {
    expect(() => assertStorableJson({ nested: ['ok', 'a\u0000b'] }, 'payload')).toThrow(ValidationError);
    expect(() => assertStorableJson({ text: 'fine', escaped: '\\u0000 as text' }, 'payload')).not.toThrow();
  });

  it('should keep output holding a NUL character, with U+FFFD in its place', () => {
    expect(JSON.parse(toStorableJson({ body: 'a\u0000b', list: ['\u0000'] }))).toEqual({
      body: 'a\uFFFDb',
      list: ['\uFFFD'],
    });
    expect(toStorableJson(undefined)).toBe('null');
  });
});

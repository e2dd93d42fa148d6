import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';

import { applyReturnPreference, parsePrefer } from './prefer.js';

/** The headers an express response would be given, without a server. */
function fakeResponse(): Response & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return {
    headers,
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return this;
    },
    vary(field: string) {
      headers.vary = headers.vary === undefined ? field : `${headers.vary}, ${field}`;
      return this;
    },
  } as unknown as Response & { headers: Record<string, string> };
}

describe(parsePrefer.name, () => {
  it('should read every preference of a comma-separated list, names in lower case', () => {
    expect(parsePrefer('respond-async, Return=minimal, wait=10')).toEqual(
      new Map([
        ['respond-async', ''],
        ['return', 'minimal'],
        ['wait', '10'],
      ]),
    );
  });

  it('should allow white space around "=", "," and ";" and drop parameters', () => {
    expect(parsePrefer('  return =  minimal ;  foo="bar" ,handling= lenient ')).toEqual(
      new Map([
        ['return', 'minimal'],
        ['handling', 'lenient'],
      ]),
    );
  });

  it('should unquote a quoted value, keeping the commas and semicolons inside it', () => {
    expect(parsePrefer('x-note="a, b; \\"c\\"", return="minimal"')).toEqual(
      new Map([
        ['x-note', 'a, b; "c"'],
        ['return', 'minimal'],
      ]),
    );
  });

  it('should keep only the first instance of a preference', () => {
    expect(parsePrefer('return=representation, return=minimal').get('return')).toBe('representation');
  });

  it('should read nothing from an absent, empty or comma-only header', () => {
    expect(parsePrefer(undefined).size).toBe(0);
    expect(parsePrefer('').size).toBe(0);
    expect(parsePrefer(' , ,').size).toBe(0);
  });
});

describe(applyReturnPreference.name, () => {
  it('should choose minimal and say so when the client prefers it', () => {
    const response = fakeResponse();
    expect(applyReturnPreference('wait=5, RETURN=Minimal', response)).toBe('minimal');
    expect(response.headers).toEqual({ vary: 'Prefer', 'preference-applied': 'return=minimal' });
  });

  it('should choose the representation and say so when the client asks for it', () => {
    const response = fakeResponse();
    expect(applyReturnPreference('return=representation', response)).toBe('representation');
    expect(response.headers).toEqual({ vary: 'Prefer', 'preference-applied': 'return=representation' });
  });

  it('should default to the representation, applying nothing, without a known return preference', () => {
    for (const header of [undefined, '', 'respond-async', 'return=everything', 'returns=minimal']) {
      const response = fakeResponse();
      expect(applyReturnPreference(header, response)).toBe('representation');
      expect(response.headers).toEqual({ vary: 'Prefer' });
    }
  });
});

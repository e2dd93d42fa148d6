import { describe, expect, it } from '@jest/globals';

import { instantSchema } from './instant.js';

describe('instantSchema', () => {
  it.each([
    '1970-01-01T00:00:00Z',
    '2026-03-01T12:00:00+01:00',
    '9999-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59+14:00',
  ])('should accept %s', (text) => {
    expect(instantSchema.safeParse(text).success).toBe(true);
  });

  it.each([
    ['year 0, which Postgres does not have', '0000-01-01T00:00:00Z'],
    ['an offset that carries year 1 back to year 0', '0001-01-01T00:00:00+14:00'],
    ['an offset that carries year 9999 into year 10000', '9999-12-31T23:59:59-14:00'],
    ['an instant before 1970', '1969-12-31T23:59:59.999Z'],
    ['text that is no instant', 'tomorrow'],
    ['an instant without a zone', '2026-03-01T12:00:00'],
  ])('should refuse %s with one issue', (_case, text) => {
    expect(instantSchema.safeParse(text).error?.issues).toHaveLength(1);
  });
});

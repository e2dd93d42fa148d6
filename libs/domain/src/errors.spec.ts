import { describe, expect, it } from '@jest/globals';

import { OPERATOR_HOLDERS } from './api-key.js';
import { InsufficientScopeError } from './errors.js';

describe(InsufficientScopeError.name, () => {
  it('should name the scope a request needs, then who holds it, in one sentence', () => {
    expect(new InsufficientScopeError('jobs:write').message).toBe(
      'This key does not have the jobs:write scope this request needs.',
    );
    expect(new InsufficientScopeError('operator', OPERATOR_HOLDERS).message).toBe(
      'This key does not have the operator scope this request needs (held only by keys of namespace default).',
    );
  });
});

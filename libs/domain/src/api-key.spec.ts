import { describe, expect, it } from '@jest/globals';

import { authorizes, grants, operatorGrantRefusal, type Principal, type Scope } from './api-key.js';

const principal = (namespace: string, scopes: Scope[], root = false): Principal => ({
  keyId: 'k',
  keyName: 'k',
  namespace,
  scopes,
  root,
});

describe('scopes', () => {
  it.each([
    [['jobs:read'], 'jobs:read', true],
    [['jobs:read'], 'jobs:write', false],
    [['admin'], 'jobs:read', true],
    [['admin'], 'admin', true],
    [['admin'], 'operator', false],
    [['operator'], 'jobs:read', false],
    [['operator'], 'operator', true],
    [['jobs:write', 'operator'], 'jobs:write', true],
  ] as [Scope[], Scope, boolean][])('should let %j grant %s: %s', (scopes, required, expected) => {
    expect(grants(scopes, required)).toBe(expected);
  });

  it('should make an operator of the operator scope in namespace default only, never of admin', () => {
    expect(authorizes(principal('default', ['operator']), 'operator')).toBe(true);
    expect(authorizes(principal('default', ['admin']), 'operator')).toBe(false);
    expect(authorizes(principal('billing', ['operator']), 'operator')).toBe(false);
    expect(authorizes(principal('billing', ['admin']), 'admin')).toBe(true);
  });

  it('should let only an operator or the bootstrap key grant the operator scope, and only in namespace default', () => {
    expect(operatorGrantRefusal(principal('default', ['admin']), 'default', ['jobs:read'])).toBeNull();
    expect(operatorGrantRefusal(principal('default', ['admin']), 'default', ['operator'])).toBe('not_operator');
    expect(operatorGrantRefusal(principal('default', ['admin', 'operator']), 'default', ['operator'])).toBeNull();
    expect(operatorGrantRefusal(principal('default', ['admin'], true), 'default', ['operator'])).toBeNull();
    expect(operatorGrantRefusal(principal('default', ['admin'], true), 'billing', ['operator'])).toBe(
      'not_default_namespace',
    );
  });
});

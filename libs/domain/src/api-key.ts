import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { DEFAULT_NAMESPACE } from './namespace.js';

/**
 * What a key may do in its namespace: `jobs:read` reads jobs, executions, schedules and workflows;
 * `jobs:write` also creates, changes, cancels and deletes them; `admin` also manages the namespace's
 * keys and reads its audit log. Each of these includes the ones before it.
 */
export const TENANT_SCOPES = ['jobs:read', 'jobs:write', 'admin'] as const;

/**
 * Every scope. `operator` stands apart from the tenant scopes: it includes none of them and none of
 * them includes it. It acts on every namespace (Bull Board, each namespace's limits), so only keys of
 * namespace `default` may hold it, and only an operator (or the bootstrap key) may grant it.
 */
export const SCOPES = [...TENANT_SCOPES, 'operator'] as const;
export type Scope = (typeof SCOPES)[number];
export const OPERATOR_SCOPE = 'operator' satisfies Scope;
/** Who may hold the operator scope, as an error that asks for it says. */
export const OPERATOR_HOLDERS = 'held only by keys of namespace default';

/** Whether a key with `scopes` may do what `required` allows (the namespace aside: see {@link authorizes}). */
export function grants(scopes: readonly Scope[], required: Scope): boolean {
  if (required === OPERATOR_SCOPE) {
    return scopes.includes(OPERATOR_SCOPE);
  }
  const rank = (scope: Scope) => (TENANT_SCOPES as readonly Scope[]).indexOf(scope);
  return scopes.some((scope) => scope !== OPERATOR_SCOPE && rank(scope) >= rank(required));
}

/** Namespace names: lower-case letters, digits and "-", as in a URL or a Kubernetes name. */
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Who is calling: the key a request authenticated with. */
export interface Principal {
  /** The key's id; `bootstrap` for the key from the configuration. */
  keyId: string;
  keyName: string;
  namespace: string;
  scopes: Scope[];
  /** The bootstrap key: may create keys in any namespace. */
  root: boolean;
}

const KEY_PREFIX = 'mk_';

/**
 * A new key: `mk_<id>_<secret>`, where the id finds the stored key and the 256-bit secret proves
 * it. Only the secret's SHA-256 is stored (a secret this long needs no slow hash), and the whole key
 * is shown once.
 */
export function generateApiKey(id: string): { key: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `${KEY_PREFIX}${id.replaceAll('-', '')}_${secret}`, secretHash: hashSecret(secret) };
}

/** The id and secret of a presented key, or null if it is not shaped like one. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = /^mk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(key);
  if (match === null) {
    return null;
  }
  const hex = match[1] as string;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, secret: match[2] as string };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two secrets in constant time (by their hashes, so lengths never leak). */
export function sameSecret(presented: string, storedHash: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(presented), 'hex'), Buffer.from(storedHash, 'hex'));
}

/**
 * An operator: a key of namespace `default` with the `operator` scope. Operators see every
 * namespace's queues (Bull Board) and set each namespace's limits. An `admin` key of `default` is no
 * operator unless it also holds the scope.
 */
export function isOperator(principal: Principal): boolean {
  return principal.namespace === DEFAULT_NAMESPACE && grants(principal.scopes, OPERATOR_SCOPE);
}

/** Whether `principal` may do what `required` allows: `operator` also needs namespace `default`. */
export function authorizes(principal: Principal, required: Scope): boolean {
  return required === OPERATOR_SCOPE ? isOperator(principal) : grants(principal.scopes, required);
}

/**
 * Why a key with `scopes` may not be created in `namespace` by `creator`, or null when it may: the
 * operator scope lives in namespace `default` only, and only an operator or the bootstrap key hands
 * it out, so that no admin key can mint itself an operator.
 */
export function operatorGrantRefusal(
  creator: Principal,
  namespace: string,
  scopes: readonly Scope[],
): 'not_default_namespace' | 'not_operator' | null {
  if (!scopes.includes(OPERATOR_SCOPE)) {
    return null;
  }
  if (namespace !== DEFAULT_NAMESPACE) {
    return 'not_default_namespace';
  }
  return creator.root || isOperator(creator) ? null : 'not_operator';
}

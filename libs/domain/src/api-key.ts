import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { DEFAULT_NAMESPACE } from './namespace.js';

/**
 * What a key may do: `jobs:read` reads jobs, executions, schedules and workflows; `jobs:write` also
 * creates, changes, cancels and deletes them; `admin` also manages the namespace's keys and reads its
 * audit log. Each scope includes the ones before it.
 */
export const SCOPES = ['jobs:read', 'jobs:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Whether a key with `scopes` may do what `required` allows. */
export function grants(scopes: readonly Scope[], required: Scope): boolean {
  const rank = (scope: Scope) => SCOPES.indexOf(scope);
  return scopes.some((scope) => rank(scope) >= rank(required));
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
 * An operator: an admin key of namespace `default`. Operators see every namespace's queues (Bull
 * Board) and set each namespace's limits.
 */
export function isOperator(principal: Principal): boolean {
  return principal.namespace === DEFAULT_NAMESPACE && grants(principal.scopes, 'admin');
}

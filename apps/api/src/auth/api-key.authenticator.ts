import { createHash, timingSafeEqual } from 'node:crypto';

import type { MeridianConfig } from '@meridian/config';
import { ApiKeyRepository } from '@meridian/db';
import { DEFAULT_NAMESPACE, parseApiKey, type Principal, sameSecret } from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';

import { type VerifiedKey, VerifiedKeyCache } from './verified-key-cache.js';

/** The bootstrap key: admin and operator of namespace `default`, and may create keys anywhere. */
const BOOTSTRAP_PRINCIPAL: Principal = {
  keyId: 'bootstrap',
  keyName: 'bootstrap',
  namespace: DEFAULT_NAMESPACE,
  scopes: ['admin', 'operator'],
  root: true,
};

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Turns a presented key into the principal it stands for, or null when it stands for none. Keys
 * come from {@link VerifiedKeyCache}, so most requests cost no query; the secret is checked against
 * the key's stored hash on every request, cached or not.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly bootstrapDigest: Buffer | null;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cache: VerifiedKeyCache,
    @Inject(CONFIG) config: MeridianConfig,
  ) {
    this.bootstrapDigest = config.api.bootstrapKey === null ? null : digest(config.api.bootstrapKey);
  }

  async authenticate(presented: string): Promise<Principal | null> {
    if (this.bootstrapDigest !== null && timingSafeEqual(digest(presented), this.bootstrapDigest)) {
      return BOOTSTRAP_PRINCIPAL;
    }
    const parsed = parseApiKey(presented);
    if (parsed === null) {
      return null;
    }
    const key = await this.cache.get(parsed.id, (id) => this.read(id));
    if (key === null || !sameSecret(parsed.secret, key.secretHash)) {
      return null;
    }
    return key.principal;
  }

  private async read(id: string): Promise<VerifiedKey | null> {
    const key = await this.keys.findActive(id);
    if (key === null) {
      return null;
    }
    return {
      principal: { keyId: key.id, keyName: key.name, namespace: key.namespace, scopes: key.scopes, root: false },
      secretHash: key.secretHash,
    };
  }
}

/** The key of a request: `Authorization: Bearer <key>`, or the `X-API-Key` header. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^bearer\s+/i.test(authorization)) {
    return authorization.replace(/^bearer\s+/i, '').trim();
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header !== '' ? header : null;
}

import { type ApiKeyRecord, ApiKeyRepository } from '@meridian/db';
import {
  ApiKeyNotFoundError,
  assertNever,
  InsufficientScopeError,
  operatorGrantRefusal,
  type Principal,
  type Scope,
  ValidationError,
} from '@meridian/domain';
import { KeyRevocationBus } from '@meridian/queue';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { auditEntry } from '../audit/audit-entry.js';
import { VerifiedKeyCache } from '../auth/verified-key-cache.js';
import type { CreateKeyRequest } from './dto/create-key.request.js';
import { toKeyView } from './dto/key.view.js';

/** A namespace's API keys: created by its admin keys, listed without secrets, revoked everywhere at once. */
@Injectable()
export class KeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cache: VerifiedKeyCache,
    private readonly revocations: KeyRevocationBus,
    @InjectPinoLogger(KeysService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * A new key in the caller's namespace (another one only for the bootstrap key); the key is in the
   * answer only. Records `key.created` by the caller, without the key.
   */
  async create(principal: Principal, input: CreateKeyRequest): Promise<{ record: ApiKeyRecord; key: string }> {
    const namespace = input.namespace ?? principal.namespace;
    if (namespace !== principal.namespace && !principal.root) {
      throw new InsufficientScopeError('root', 'only the bootstrap key creates a key in another namespace');
    }
    assertMayGrant(principal, namespace, input.scopes);
    const created = await this.keys.create(
      {
        namespace,
        name: input.name,
        scopes: [...new Set(input.scopes)],
        createdBy: principal.keyId,
      },
      (record) => auditEntry(principal, 'key.created', { type: 'key', id: record.id }, null, toKeyView(record)),
    );
    this.logger.info(
      { keyId: created.record.id, namespace, scopes: created.record.scopes, by: principal.keyId },
      'api key created',
    );
    return created;
  }

  async list(principal: Principal): Promise<ApiKeyRecord[]> {
    return this.keys.list(principal.namespace);
  }

  /**
   * Revokes a key of the caller's namespace. Postgres decides; this process forgets the key before
   * answering, and the others when the broadcast reaches them (milliseconds). Should the broadcast
   * fail, the revocation still holds, and the other processes notice within the cache's TTL.
   * Records `key.revoked` by the caller, with the key before and after.
   */
  async revoke(principal: Principal, id: string): Promise<void> {
    const revoked = await this.keys.revoke(principal.namespace, id, ({ before, after }) =>
      auditEntry(principal, 'key.revoked', { type: 'key', id }, toKeyView(before), toKeyView(after)),
    );
    if (!revoked) {
      throw new ApiKeyNotFoundError(id);
    }
    this.cache.evict(id);
    try {
      await this.revocations.publish(id);
    } catch (error) {
      this.logger.warn(
        { keyId: id, err: error },
        'api key revoked; Redis could not tell the other api processes, which refuse it once their cache expires',
      );
    }
    this.logger.info({ keyId: id, by: principal.keyId }, 'api key revoked');
  }
}

/** The operator scope: only in namespace `default` (a bad request), and only from an operator (a 403). */
function assertMayGrant(principal: Principal, namespace: string, scopes: Scope[]): void {
  const refusal = operatorGrantRefusal(principal, namespace, scopes);
  switch (refusal) {
    case null:
      return;
    case 'not_default_namespace':
      throw new ValidationError([
        { path: 'scopes', message: 'operator is a scope of namespace default only', code: 'invalid_value' },
      ]);
    case 'not_operator':
      throw new InsufficientScopeError('operator', 'only an operator creates an operator key');
    default:
      assertNever(refusal);
  }
}

import type { MeridianConfig } from '@meridian/config';
import { AuditRepository, type NewAuditEntry } from '@meridian/db';
import { DEFAULT_NAMESPACE, parseApiKey } from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { presentedKey } from '../auth/api-key.authenticator.js';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import { clientAddress } from '../auth/client-address.js';
import { RefusalBudget } from './refusal-budget.js';

/** Entries written in one statement at most, and how long one waits for others to join it. */
const BATCH_SIZE = 100;
const FLUSH_AFTER_MS = 20;
/** Longest path an entry keeps: a refused request chooses its own. */
const MAX_PATH_LENGTH = 200;

/**
 * Records refused requests to the REST API in the audit log: `auth.refused` for a 401 (no key, or
 * one that stands for no active key), `auth.forbidden` for a 403 (a key without the scope). Who
 * (the key's id when it parses, `anonymous` otherwise), from which client address, on which route.
 *
 * A refusal changes nothing, so its entry is written off the request's path, in batches within
 * FLUSH_AFTER_MS; a flood of them writes a bounded number of rows, per client address and per
 * namespace (see RefusalBudget), each saying how many were left out before it. A 401 is recorded in
 * namespace `default`, read by operators: its key, if any, is not known to be anyone's.
 */
@Injectable()
export class RefusalAudit implements OnApplicationShutdown {
  private readonly budget: RefusalBudget;
  private pending: (NewAuditEntry & { at: Date })[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly audit: AuditRepository,
    @Inject(CONFIG) config: MeridianConfig,
    @InjectPinoLogger(RefusalAudit.name) private readonly logger: PinoLogger,
  ) {
    this.budget = new RefusalBudget({
      perAddress: config.api.refusalAudit.perAddressPerMinute,
      perNamespace: config.api.refusalAudit.perNamespacePerMinute,
    });
  }

  /** Called with every error answer; records a 401 or 403 of a `/v1` route within its budget. */
  recordRefusal(request: AuthenticatedRequest, status: number, code: string): void {
    const path = request.originalUrl.split('?', 1)[0] ?? '';
    if ((status !== 401 && status !== 403) || !path.startsWith('/v1/')) {
      return;
    }
    const principal = status === 403 ? request.principal : undefined;
    const namespace = principal?.namespace ?? DEFAULT_NAMESPACE;
    const address = clientAddress(request.ip);
    const decision = this.budget.take(namespace, address);
    if (!decision.record) {
      return;
    }
    const presented = presentedKey(request.headers);
    const keyId = principal?.keyId ?? (presented === null ? null : parseApiKey(presented)?.id) ?? 'anonymous';
    const route = `${request.method} ${path.slice(0, MAX_PATH_LENGTH)}`;
    this.pending.push({
      namespace,
      actor: { keyId, name: principal?.keyName ?? '' },
      action: status === 401 ? 'auth.refused' : 'auth.forbidden',
      target: { type: 'route', id: route },
      before: null,
      after: { status, code, clientAddress: address, unrecordedBefore: decision.unrecordedBefore },
      at: new Date(),
    });
    if (this.pending.length >= BATCH_SIZE) {
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
    }
  }

  /** Writes what is pending; resolves once everything recorded so far is written (or has failed). */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) {
        return;
      }
      await this.audit.append(batch).catch((error: unknown) => {
        this.logger.error(
          { err: error, lost: batch.map((entry) => ({ action: entry.action, target: entry.target })) },
          'refused requests could not be recorded in the audit log',
        );
      });
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}

import type { MeridianConfig } from '@meridian/config';
import { type NamespaceLimits, NamespaceRepository } from '@meridian/db';
import { effectiveLimits, effectiveRecurringQuota, type Principal } from '@meridian/domain';
import { SIGNATURE_HEADER } from '@meridian/handler-sdk';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { auditEntry } from '../audit/audit-entry.js';
import type { HttpAllowedTargetsView } from './dto/http-allowed-targets.dto.js';
import type { LimitsView, NamespaceLimitsRequest } from './dto/namespace-limits.dto.js';
import { toWebhookSecretView, type WebhookSecretView } from './dto/webhook-secret.view.js';

/**
 * Namespaces' own settings: the limits on their share of the workers and the internal address ranges
 * their http jobs may call (set by operators, for any namespace), and the secret their outgoing http
 * requests are signed with (read and rotated by the namespace's admins).
 */
@Injectable()
export class NamespacesService {
  constructor(
    private readonly namespaces: NamespaceRepository,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(NamespacesService.name) private readonly logger: PinoLogger,
  ) {}

  async limits(name: string): Promise<LimitsView> {
    return this.toLimitsView(name, await this.namespaces.limits(name));
  }

  /**
   * Sets the limits the request names; one left out stays as it is, null goes back to the default.
   * Records `namespace.limits_set` by `by` with the limits before and after.
   */
  async setLimits(name: string, limits: NamespaceLimitsRequest, by: Principal): Promise<LimitsView> {
    await this.namespaces.setLimits(name, limits, ({ before, after }) =>
      auditEntry(
        by,
        'namespace.limits_set',
        { type: 'namespace', id: name },
        before === null ? null : this.toLimitsView(name, before),
        this.toLimitsView(name, after),
      ),
    );
    return this.limits(name);
  }

  async httpAllowedTargets(name: string): Promise<HttpAllowedTargetsView> {
    return this.toHttpTargetsView(name, await this.namespaces.httpAllowedTargets(name));
  }

  /**
   * Replaces the namespace's own ranges (each once). Records `namespace.http_allowed_targets_set` by
   * `by` with the ranges before and after.
   */
  async setHttpAllowedTargets(name: string, ranges: string[], by: Principal): Promise<HttpAllowedTargetsView> {
    const unique = [...new Set(ranges)];
    await this.namespaces.setHttpAllowedTargets(name, unique, ({ before, after }) =>
      auditEntry(
        by,
        'namespace.http_allowed_targets_set',
        { type: 'namespace', id: name },
        this.toHttpTargetsView(name, before),
        this.toHttpTargetsView(name, after),
      ),
    );
    return this.toHttpTargetsView(name, unique);
  }

  /** The caller's namespace's webhook secret, made the first time it is asked for. */
  async webhookSecret(namespace: string): Promise<WebhookSecretView> {
    return toWebhookSecretView(namespace, await this.namespaces.webhookSecret(namespace));
  }

  /** Replaces `by`'s namespace's webhook secret. Records `webhook_secret.rotated`, never the secret. */
  async rotateWebhookSecret(by: Principal): Promise<WebhookSecretView> {
    const { namespace } = by;
    const secret = await this.namespaces.rotateWebhookSecret(
      namespace,
      auditEntry(by, 'webhook_secret.rotated', { type: 'namespace', id: namespace }, null, {
        namespace,
        header: SIGNATURE_HEADER,
      }),
    );
    this.logger.info({ namespace, by: by.keyId }, 'webhook secret rotated');
    return toWebhookSecretView(namespace, secret);
  }

  private toHttpTargetsView(name: string, own: string[]): HttpAllowedTargetsView {
    return { namespace: name, own, processWide: this.config.worker.httpAllowedTargets };
  }

  /** A namespace's limits as the API shows them: its own (null when it has no settings), and in effect. */
  private toLimitsView(name: string, own: NamespaceLimits | null): LimitsView {
    return {
      namespace: name,
      own: {
        maxConcurrency: own?.maxConcurrency ?? null,
        maxRunsPerMinute: own?.maxRunsPerMinute ?? null,
        maxRecurringJobs: own?.maxRecurringJobs ?? null,
      },
      effective: {
        ...effectiveLimits(own, this.config.worker.namespaceDefaults),
        maxRecurringJobs: effectiveRecurringQuota(own?.maxRecurringJobs, this.config.api.maxRecurringJobsPerNamespace),
      },
    };
  }
}

import { generateWebhookSecret } from '@meridian/domain';

import type { Database } from './postgres.js';

/** Namespaces' own settings, created the first time a namespace needs them. */
export class NamespaceRepository {
  constructor(private readonly db: Database) {}

  /** The namespace's webhook secret, made on first use (two first uses at once agree on one). */
  async webhookSecret(namespace: string): Promise<string> {
    await this.db.namespace.createMany({
      data: [{ name: namespace, webhookSecret: generateWebhookSecret() }],
      skipDuplicates: true,
    });
    const row = await this.db.namespace.findUniqueOrThrow({ where: { name: namespace } });
    return row.webhookSecret;
  }

  /**
   * What the http handler needs of a namespace, in one read: its webhook secret (made on first use,
   * as webhookSecret does) and the internal ranges an operator allowed it to call.
   */
  async httpSettings(namespace: string): Promise<{ webhookSecret: string; httpAllowedTargets: string[] }> {
    await this.db.namespace.createMany({
      data: [{ name: namespace, webhookSecret: generateWebhookSecret() }],
      skipDuplicates: true,
    });
    return this.db.namespace.findUniqueOrThrow({
      where: { name: namespace },
      select: { webhookSecret: true, httpAllowedTargets: true },
    });
  }

  /** Replaces the namespace's webhook secret; the old one stops being used at once. */
  async rotateWebhookSecret(namespace: string): Promise<string> {
    const webhookSecret = generateWebhookSecret();
    await this.db.namespace.upsert({
      where: { name: namespace },
      create: { name: namespace, webhookSecret },
      update: { webhookSecret },
    });
    return webhookSecret;
  }

  /** The namespace's own limits (null where it has none), or null when it has no settings at all. */
  async limits(namespace: string): Promise<{ maxConcurrency: number | null; maxRunsPerMinute: number | null } | null> {
    return this.db.namespace.findUnique({
      where: { name: namespace },
      select: { maxConcurrency: true, maxRunsPerMinute: true },
    });
  }

  /** Sets the namespace's own limits (null: back to the configured default). */
  async setLimits(
    namespace: string,
    limits: { maxConcurrency: number | null; maxRunsPerMinute: number | null },
  ): Promise<void> {
    await this.db.namespace.upsert({
      where: { name: namespace },
      create: { name: namespace, webhookSecret: generateWebhookSecret(), ...limits },
      update: limits,
    });
  }
}

import { generateWebhookSecret } from '@meridian/domain';

import { appendAuditEntries, type AuditOf, type NewAuditEntry } from './internal/audit-entries.js';
import type { Database } from './postgres.js';
import { statementsIn } from './sql-client.js';

/** A namespace's own limits; null where it has none (the configured default applies). */
export interface NamespaceLimits {
  maxConcurrency: number | null;
  maxRunsPerMinute: number | null;
  /** Recurring jobs (active or paused) it may have. */
  maxRecurringJobs: number | null;
}

/** A change of a namespace's limits: a limit left out stays as it is; null is the configured default. */
export type NamespaceLimitsChange = Partial<NamespaceLimits>;

const LIMIT_COLUMNS = { maxConcurrency: true, maxRunsPerMinute: true, maxRecurringJobs: true } as const;

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

  /**
   * Replaces the namespace's webhook secret; the old one stops being used at once. `audit` is
   * written in the same transaction (it must not hold the secret).
   */
  async rotateWebhookSecret(namespace: string, audit?: NewAuditEntry, now: Date = new Date()): Promise<string> {
    const webhookSecret = generateWebhookSecret();
    await this.db.$transaction(async (tx) => {
      await tx.namespace.upsert({
        where: { name: namespace },
        create: { name: namespace, webhookSecret },
        update: { webhookSecret },
      });
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit], now);
      }
    });
    return webhookSecret;
  }

  /** The internal ranges an operator allowed the namespace to call, besides the process-wide ones. */
  async httpAllowedTargets(namespace: string): Promise<string[]> {
    const row = await this.db.namespace.findUnique({
      where: { name: namespace },
      select: { httpAllowedTargets: true },
    });
    return row?.httpAllowedTargets ?? [];
  }

  /**
   * Replaces the namespace's own allowed ranges ([]: none). `audit` makes the entry from the ranges
   * before and after, written in the same transaction.
   */
  async setHttpAllowedTargets(
    namespace: string,
    ranges: string[],
    audit?: AuditOf<{ before: string[]; after: string[] }>,
    now: Date = new Date(),
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const before = await tx.namespace.findUnique({
        where: { name: namespace },
        select: { httpAllowedTargets: true },
      });
      await tx.namespace.upsert({
        where: { name: namespace },
        create: { name: namespace, webhookSecret: generateWebhookSecret(), httpAllowedTargets: ranges },
        update: { httpAllowedTargets: ranges },
      });
      if (audit !== undefined) {
        const entry = audit({ before: before?.httpAllowedTargets ?? [], after: ranges });
        await appendAuditEntries(statementsIn(tx), [entry], now);
      }
    });
  }

  /** The namespace's own limits (null where it has none), or null when it has no settings at all. */
  async limits(namespace: string): Promise<NamespaceLimits | null> {
    return this.db.namespace.findUnique({ where: { name: namespace }, select: LIMIT_COLUMNS });
  }

  /**
   * Sets the namespace's own limits (null: back to the configured default). `audit` makes the entry
   * from the limits before (null when the namespace had no settings) and after, written in the same
   * transaction.
   */
  async setLimits(
    namespace: string,
    change: NamespaceLimitsChange,
    audit?: AuditOf<{ before: NamespaceLimits | null; after: NamespaceLimits }>,
    now: Date = new Date(),
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const before = await tx.namespace.findUnique({ where: { name: namespace }, select: LIMIT_COLUMNS });
      const limits: NamespaceLimits = {
        maxConcurrency: change.maxConcurrency !== undefined ? change.maxConcurrency : (before?.maxConcurrency ?? null),
        maxRunsPerMinute:
          change.maxRunsPerMinute !== undefined ? change.maxRunsPerMinute : (before?.maxRunsPerMinute ?? null),
        maxRecurringJobs:
          change.maxRecurringJobs !== undefined ? change.maxRecurringJobs : (before?.maxRecurringJobs ?? null),
      };
      await tx.namespace.upsert({
        where: { name: namespace },
        create: { name: namespace, webhookSecret: generateWebhookSecret(), ...limits },
        update: limits,
      });
      if (audit !== undefined) {
        await appendAuditEntries(statementsIn(tx), [audit({ before, after: limits })], now);
      }
    });
  }
}

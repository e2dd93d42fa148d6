import { randomBytes } from 'node:crypto';

export const DEFAULT_NAMESPACE = 'default';

/** A new secret for signing a namespace's outgoing http requests: 256 random bits. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** How much of the workers one namespace may use, so a noisy tenant cannot starve the others. */
export interface NamespaceLimits {
  /** Runs at once, across every worker; null: no limit. */
  maxConcurrency: number | null;
  /** Runs started per minute; null: no limit. */
  maxRunsPerMinute: number | null;
}

/** A namespace's quota of recurring jobs: its own where it has one, else the configured default (0: none). */
export function effectiveRecurringQuota(own: number | null | undefined, defaultQuota: number): number | null {
  return own ?? (defaultQuota > 0 ? defaultQuota : null);
}

/** A namespace's own limits where it has them, the configured defaults (0 = none) elsewhere. */
export function effectiveLimits(
  own: { maxConcurrency: number | null; maxRunsPerMinute: number | null } | null,
  defaults: { maxConcurrency: number; maxRunsPerMinute: number },
): NamespaceLimits {
  const orNone = (value: number) => (value > 0 ? value : null);
  return {
    maxConcurrency: own?.maxConcurrency ?? orNone(defaults.maxConcurrency),
    maxRunsPerMinute: own?.maxRunsPerMinute ?? orNone(defaults.maxRunsPerMinute),
  };
}

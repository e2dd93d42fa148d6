/** How long a worker keeps a namespace's settings before reading them again: a change's delay. */
const SETTINGS_TTL_MS = 30_000;

/** What the http handler needs of a namespace. */
export interface NamespaceHttpSetting {
  webhookSecret: string;
  /** CIDR ranges an operator allowed the namespace to call, besides HTTP_ALLOWED_TARGETS. */
  httpAllowedTargets: string[];
}

/** Where a namespace's http settings are stored (NamespaceRepository, in the apps). */
export interface NamespaceHttpSettingsSource {
  httpSettings(namespace: string): Promise<NamespaceHttpSetting>;
}

/**
 * Each namespace's webhook secret and allowed ranges, read together from their store at most once per
 * SETTINGS_TTL_MS, so signing a request and judging its target cost no query of their own: a
 * rotated secret or a changed allow-list reaches every worker within 30 seconds.
 */
export class NamespaceHttpSettings {
  private readonly cache = new Map<string, { settings: Promise<NamespaceHttpSetting>; until: number }>();

  constructor(private readonly namespaces: NamespaceHttpSettingsSource) {}

  of(namespace: string, now: number = Date.now()): Promise<NamespaceHttpSetting> {
    const cached = this.cache.get(namespace);
    if (cached !== undefined && cached.until > now) {
      return cached.settings;
    }
    const settings = this.namespaces.httpSettings(namespace);
    this.cache.set(namespace, { settings, until: now + SETTINGS_TTL_MS });
    settings.catch(() => this.cache.delete(namespace));
    return settings;
  }
}

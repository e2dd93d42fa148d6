import type { MeridianConfig } from '@meridian/config';
import { NamespaceRepository } from '@meridian/db';
import { effectiveLimits, type NamespaceLimits } from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';

/** How long a worker keeps a namespace's limits before reading them again: a change's delay. */
const LIMITS_TTL_MS = 30_000;

/** Each namespace's limits as the worker applies them: its own, or the configured defaults. */
@Injectable()
export class NamespaceLimitsService {
  private readonly cache = new Map<string, { limits: Promise<NamespaceLimits>; until: number }>();

  constructor(
    private readonly namespaces: NamespaceRepository,
    @Inject(CONFIG) private readonly config: MeridianConfig,
  ) {}

  of(namespace: string, now: number = Date.now()): Promise<NamespaceLimits> {
    const cached = this.cache.get(namespace);
    if (cached !== undefined && cached.until > now) {
      return cached.limits;
    }
    const limits = this.namespaces
      .limits(namespace)
      .then((own) => effectiveLimits(own, this.config.worker.namespaceDefaults));
    this.cache.set(namespace, { limits, until: now + LIMITS_TTL_MS });
    limits.catch(() => this.cache.delete(namespace));
    return limits;
  }
}

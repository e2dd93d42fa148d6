import { type HttpTargetPolicies, TargetGuard } from './target-guard.js';

/** How long a guard serves no request before its connections are closed. */
const IDLE_GUARD_MS = 10 * 60_000;

export interface NamespaceTargetGuardsOptions {
  /** CIDR ranges every namespace may call (HTTP_ALLOWED_TARGETS). @defaultValue none */
  processWide?: readonly string[];
  /**
   * The ranges a namespace may call besides the process-wide ones, set by an operator. Called for
   * every request, so it should answer from a cache. @defaultValue none for every namespace
   */
  ownRanges?: (namespace: string) => Promise<readonly string[]>;
}

/**
 * The SSRF guard of each namespace: the process-wide allowed ranges, plus the namespace's own. Each
 * distinct list gets a guard, with a connection pool, of its own: a pooled socket to an internal
 * address that one namespace may call must never serve another namespace's request to the same
 * host. Namespaces without a list of their own share one guard; guards of lists no request has used
 * for ten minutes are closed.
 */
export class NamespaceTargetGuards implements HttpTargetPolicies {
  private readonly processWide: readonly string[];
  private readonly ownRanges: (namespace: string) => Promise<readonly string[]>;
  private readonly shared: TargetGuard;
  private readonly byRanges = new Map<string, { guard: TargetGuard; lastUsed: number }>();
  private nextSweep = 0;

  constructor(options: NamespaceTargetGuardsOptions = {}) {
    this.processWide = options.processWide ?? [];
    this.ownRanges = options.ownRanges ?? (() => Promise.resolve([]));
    this.shared = new TargetGuard(this.processWide);
  }

  async forNamespace(namespace: string, now: number = Date.now()): Promise<TargetGuard> {
    const own = await this.ownRanges(namespace);
    this.sweep(now);
    if (own.length === 0) {
      return this.shared;
    }
    const ranges = [...new Set([...this.processWide, ...own])].sort();
    const key = ranges.join(',');
    const entry = this.byRanges.get(key) ?? { guard: new TargetGuard(ranges), lastUsed: now };
    entry.lastUsed = now;
    this.byRanges.set(key, entry);
    return entry.guard;
  }

  async close(): Promise<void> {
    const guards = [this.shared, ...[...this.byRanges.values()].map((entry) => entry.guard)];
    this.byRanges.clear();
    await Promise.all(guards.map((guard) => guard.close()));
  }

  /** Closes, at most once a minute, the guards no request has used for IDLE_GUARD_MS. */
  private sweep(now: number): void {
    if (now < this.nextSweep) {
      return;
    }
    this.nextSweep = now + 60_000;
    for (const [key, entry] of this.byRanges) {
      if (now - entry.lastUsed > IDLE_GUARD_MS) {
        this.byRanges.delete(key);
        // close() lets requests already sent finish; a guard in use is never idle this long.
        entry.guard.close().catch(() => undefined);
      }
    }
  }
}

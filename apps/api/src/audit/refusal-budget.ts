/** Options of a {@link RefusalBudget}. */
export interface RefusalBudgetOptions {
  /** Refusals recorded per client address per window; 0: none. */
  perAddress: number;
  /** Refusals recorded per namespace per window, whatever their addresses; 0: none. */
  perNamespace: number;
  /** @defaultValue 60,000 (a minute) */
  windowMs?: number;
}

/** Whether to record a refusal, and how many of its namespace's went unrecorded since its last entry. */
export type RefusalDecision = { record: true; unrecordedBefore: number } | { record: false };

/**
 * Which refused requests (401, 403) an api process writes to the audit log, so that a flood of bad
 * keys writes a bounded number of rows: at most `perAddress` per client address and `perNamespace`
 * per namespace in each fixed window. A refusal left out is counted, and the next entry recorded in
 * its namespace says how many went before it unrecorded.
 *
 * Memory is bounded as well: addresses are remembered only for the entries they got recorded, so at
 * most `perNamespace` of them per namespace and window; namespaces are those of valid keys (a 403)
 * and `default` (a 401, whose key is not known). Pure and in memory: no I/O per refused request.
 */
export class RefusalBudget {
  private readonly windowMs: number;
  private windowStart = Number.NEGATIVE_INFINITY;
  /** Entries recorded in this window, per address. */
  private readonly recordedByAddress = new Map<string, number>();
  /** Entries recorded in this window, and refusals left out since the last entry, per namespace. */
  private readonly namespaces = new Map<string, { recorded: number; unrecorded: number }>();

  constructor(
    private readonly options: RefusalBudgetOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** Decides on one refusal from `address` in `namespace`, now; a refusal recorded spends both budgets. */
  take(namespace: string, address: string): RefusalDecision {
    this.roll();
    const counts = this.namespaces.get(namespace) ?? { recorded: 0, unrecorded: 0 };
    this.namespaces.set(namespace, counts);
    const byAddress = this.recordedByAddress.get(address) ?? 0;
    if (counts.recorded >= this.options.perNamespace || byAddress >= this.options.perAddress) {
      counts.unrecorded += 1;
      return { record: false };
    }
    this.recordedByAddress.set(address, byAddress + 1);
    const unrecordedBefore = counts.unrecorded;
    counts.recorded += 1;
    counts.unrecorded = 0;
    return { record: true, unrecordedBefore };
  }

  /** Starts a new window when the current one is over, forgetting what is no longer needed. */
  private roll(): void {
    const now = this.clock();
    if (now - this.windowStart < this.windowMs) {
      return;
    }
    this.windowStart = now;
    this.recordedByAddress.clear();
    for (const [namespace, counts] of this.namespaces) {
      if (counts.unrecorded === 0) {
        this.namespaces.delete(namespace);
      } else {
        counts.recorded = 0;
      }
    }
  }
}

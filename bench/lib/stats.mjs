// Small statistics over plain arrays of numbers: the median of rounds and latency percentiles.

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values) {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) {
    return Number.NaN;
  }
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
}

/** The `p`-th percentile (0–100) by the nearest-rank method; NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** p50, p99 and max (and the count) of `values`, in their own unit. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
  };
}

/** `value / baseline`, NaN when either is missing or the baseline is 0. */
export function ratio(value, baseline) {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) {
    return Number.NaN;
  }
  return value / baseline;
}

/**
 * Folds the results of several rounds into one: every numeric field (nested objects too) becomes the
 * median over the rounds; other fields are taken from the first round; `anomalies` are left to the
 * caller, which keeps every round's.
 */
export function medianOfRounds(rounds) {
  const ok = rounds.filter((round) => round !== undefined && round.error === undefined);
  if (ok.length === 0) {
    return { error: rounds.find((round) => round?.error)?.error ?? 'no round finished', rounds };
  }
  const fold = (samples) => {
    const first = samples[0];
    if (typeof first === 'number') {
      return median(samples);
    }
    if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
      return Object.fromEntries(
        Object.keys(first)
          .filter((key) => key !== 'anomalies')
          .map((key) => [key, fold(samples.map((sample) => sample?.[key]))]),
      );
    }
    return first;
  };
  return { ...fold(ok), roundsOk: ok.length, roundsFailed: rounds.length - ok.length };
}

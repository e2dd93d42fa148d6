/** Most buckets a window is cut into: one a minute up to an hour, then 60 longer ones. */
export const MAX_BUCKETS = 60;

/** The window an overview covers, cut into buckets (see {@link overviewWindow}). */
export interface OverviewWindow {
  /** Start of the first bucket. */
  from: Date;
  /** End of the last bucket, the one `now` is in: at or after `now`. */
  to: Date;
  bucketSeconds: number;
  buckets: number;
}

/**
 * The last `minutes` as buckets of one minute, or, beyond an hour, as 60 buckets of `minutes`
 * seconds each. Buckets start at multiples of their length since the epoch, so an overview read
 * again a few seconds later cuts time at the same instants; the last bucket is the one `now` is
 * in, still filling.
 */
export function overviewWindow(minutes: number, now: Date): OverviewWindow {
  const bucketSeconds = Math.max(60, (minutes * 60) / MAX_BUCKETS);
  const bucketMs = bucketSeconds * 1000;
  const to = Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs;
  return {
    from: new Date(to - minutes * 60_000),
    to: new Date(to),
    bucketSeconds,
    buckets: (minutes * 60) / bucketSeconds,
  };
}

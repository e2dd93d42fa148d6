import type { WorkerOptions } from 'bullmq';

/** How BullMQ notices a consumer that died holding a job. */
export interface StallDetectionSettings {
  /**
   * Lifetime of a job's lock unless renewed (renewed every half of it).
   * @defaultValue 10000 (WORKER_LOCK_DURATION_MS)
   */
  lockDurationMs: number;
  /**
   * Interval of the check that hands jobs with an expired lock back to the queue.
   * @defaultValue 5000 (WORKER_STALLED_INTERVAL_MS)
   */
  stalledIntervalMs: number;
}

/**
 * A job held by a process that died stalls and is redelivered after its lock expires and the next
 * stalled check runs: within about `lockDurationMs + stalledIntervalMs`, instead of BullMQ's 60 s.
 * Redelivery records the lost attempt as INTERRUPTED, so several losses in a row (a crash loop, a
 * Redis outage longer than the lock) are allowed before BullMQ gives up; the reconciler enqueues
 * again whatever it gives up on.
 */
export function stallDetectionOptions(
  settings: StallDetectionSettings,
): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return {
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: 10,
  };
}

/** Reason given to BullMQ's `cancelJob` when a user cancelled the execution. */
export const CANCELLED_BY_USER = 'meridian:cancelled';
/** Reason given to BullMQ's `cancelAllJobs` when the worker's shutdown grace period ran out. */
export const WORKER_SHUTDOWN = 'meridian:shutdown';

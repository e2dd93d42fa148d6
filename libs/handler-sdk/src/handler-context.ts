import type { ChildJobs } from './child-jobs.js';

/** Structured log lines a handler writes; they go to the worker's log with the execution's ids. */
export interface HandlerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** How a job this one depends on ended, with its result. */
export interface ParentResult {
  jobId: string;
  /** SUCCEEDED, or (under a `continue` edge) DEAD, CANCELLED or SKIPPED. */
  status: string;
  /** The parent's result; null unless it succeeded. */
  result: unknown;
}

/** What a handler knows about the run it is part of. */
export interface HandlerContext {
  /** Aborted when the attempt times out, the execution is cancelled, or the worker shuts down. */
  signal: AbortSignal;
  executionId: string;
  jobId: string;
  namespace: string;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  /** When the execution was due (its nominal time). */
  scheduledFor: Date;
  /**
   * Stable across every attempt of this execution: pass it to downstream systems so a retried
   * attempt does not repeat a side effect (delivery is at-least-once).
   */
  idempotencyKey: string;
  /**
   * The jobs this one depends on, by their key in the workflow (or job id, for dependencies given
   * by id), with how each ended and its result. Empty for a job without dependencies.
   */
  parents: Record<string, ParentResult>;
  /** Child jobs this handler starts and waits for (see {@link ChildJobs}). */
  children: ChildJobs;
  /** Reports progress (a number, or any JSON object); visible in the admin UI. */
  progress(value: number | Record<string, unknown>): Promise<void>;
  log: HandlerLogger;
}

import type { Execution, ExecutionAttempt, Job } from '../generated/client/index.js';
import { type AttemptRecord, type ExecutionRecord, type JobRecord, recurrencePolicies } from './records.js';

export function toJobRecord(row: Job): JobRecord {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    handler: row.handler,
    payload: row.payload,
    queue: row.queue,
    priority: row.priority,
    runAt: row.runAt,
    retry: {
      maxAttempts: row.maxAttempts,
      backoffType: row.backoffType,
      backoffDelayMs: row.backoffDelayMs,
      backoffMaxDelayMs: row.backoffMaxDelayMs,
      backoffJitter: row.backoffJitter,
    },
    timeoutMs: row.timeoutMs,
    idempotencyKey: row.idempotencyKey,
    requestHash: row.requestHash,
    status: row.status,
    recurrence:
      row.scheduleState === null
        ? null
        : {
            schedule: row.schedule,
            state: row.scheduleState,
            pausedUntil: row.pausedUntil,
            pauseNote: row.pauseNote,
            nextRunAt: row.nextRunAt,
            occurrenceCount: row.occurrenceCount,
            ...recurrencePolicies({
              overlap: row.overlapPolicy,
              catchUp: row.catchUpPolicy,
              windowMs: row.catchUpWindowMs,
              max: row.catchUpMax,
            }),
          },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toExecutionRecord(row: Execution): ExecutionRecord {
  return {
    id: row.id,
    jobId: row.jobId,
    namespace: row.namespace,
    status: row.status,
    attempt: row.attempt,
    scheduledFor: row.scheduledFor,
    nominalTime: row.nominalTime,
    queuedAt: row.queuedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    nextAttemptAt: row.nextAttemptAt,
    workerId: row.workerId,
    result: row.result,
    lastError: row.lastError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toAttemptRecord(row: ExecutionAttempt): AttemptRecord {
  return {
    attempt: row.attempt,
    outcome: row.outcome,
    workerId: row.workerId,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    error: row.error,
    retryDelayMs: row.retryDelayMs,
  };
}

import {
  assertInitial,
  assertTransition,
  type AttemptOutcome,
  ExecutionStatus,
  type ExecutionStatus as Status,
  InvariantViolationError,
  sourcesOf,
  toStorableJson,
} from '@meridian/domain';

import { Prisma } from '../../generated/client/index.js';
import type { CancelledExecution } from '../records.js';
import type { Statement, StatementRunner } from '../sql-client.js';

/*
 * The one place an execution's status is written: every statement that creates an execution or
 * moves its status is here, and nowhere else in libs/db (execution-transitions.spec.ts checks both;
 * columns beside the status, such as `dependents_notified`, are the dependency graph's). Each
 * move is guarded by `status = ANY(<sources>)`, the sources coming from the state machine
 * (`sourcesOf`, or a narrower list asserted legal pair by pair when this module loads), so an
 * illegal or stale write changes no row, and an illegal edge added here fails at boot and in the
 * unit test instead of silently in SQL. Each write keeps `jobs.status` in step in the same statement,
 * the same way ({@link mirrorJobs}). Most writes are named statements on plain pg, which a Prisma
 * transaction runs through `statementsIn(tx)`; the last two (creating executions for existing jobs,
 * handing an attempt back) are Prisma raw SQL, with their SQL and guards from here all the same.
 */

const S = ExecutionStatus;

/** A transition this module writes: by `write`, from each status of `from` to each of `to`. */
export interface WrittenTransition {
  write: string;
  from: readonly Status[];
  to: readonly Status[];
}

/** A status this module creates executions in, by `write`. */
export interface WrittenCreation {
  write: string;
  status: Status;
}

const transitions: WrittenTransition[] = [];
const creations: WrittenCreation[] = [];
/** Every transition this module can write, each asserted legal when the module loaded. */
export const WRITTEN_TRANSITIONS: readonly WrittenTransition[] = transitions;
/** Every status this module can create an execution in, each asserted initial when the module loaded. */
export const WRITTEN_CREATIONS: readonly WrittenCreation[] = creations;

/** The SQL of a move: the new status (`to`, for `SET status = ...`) and its guard (`from`, for `ANY(...)`). */
interface Move {
  to: string;
  from: string;
}

const statusLiteral = (status: Status) => `'${status}'`;

/**
 * Registers the write `write` to each of `to` and returns its guard: the statuses from which every
 * one of `to` may be entered (`sourcesOf`), or `only`, a narrower list. Each pair is asserted legal.
 */
function guard(write: string, to: readonly Status[], only?: readonly Status[]): string {
  const from = only ?? to.map(sourcesOf).reduce((common, sources) => common.filter((s) => sources.includes(s)));
  if (from.length === 0) {
    throw new InvariantViolationError(`"${write}" would move no execution: no status leads to ${to.join(', ')}`);
  }
  for (const source of from) {
    for (const target of to) {
      assertTransition(source, target);
    }
  }
  transitions.push({ write, from, to });
  return `'{${from.join(',')}}'::"ExecutionStatus"[]`;
}

/** A move to one status: see {@link guard}. */
function move(write: string, to: Status, only?: readonly Status[]): Move {
  return { to: statusLiteral(to), from: guard(write, [to], only) };
}

/** Registers the write `write` as creating executions in `status`, asserted initial. */
function created(write: string, status: Status): string {
  assertInitial(status);
  creations.push({ write, status });
  return statusLiteral(status);
}

const TO_RUNNING = move('start attempts', S.Running);
/**
 * Of the execution `e` a start write is about to move: whether its attempt is parked (RUNNING and
 * waiting for its children), so the write resumes that attempt instead of beginning the next.
 */
const PARKED = `(e.parked_at IS NOT NULL AND e.status = ${statusLiteral(S.Running)})`;
/** How an attempt may end, as the execution sees it. */
const ATTEMPT_ENDS: readonly Status[] = [S.Succeeded, S.Retrying, S.Dead];
const TO_ATTEMPT_END = guard('finish attempts', ATTEMPT_ENDS);
const RELAYED = move('mark queued', S.Queued, [S.Pending]);
const HANDED_BACK = move('release attempt', S.Queued, [S.Running]);
const CANCELLED = move('cancel', S.Cancelled);
/** Cancels what has not started: a failed workflow lets its running jobs finish. */
const CANCELLED_WAITING = move('cancel waiting', S.Cancelled, [S.Blocked, S.Pending, S.Queued, S.Retrying]);
const UNBLOCKED = move('release blocked', S.Pending);
const SKIPPED = move('skip blocked', S.Skipped);
const FIRST_RUNNABLE = created('insert jobs', S.Pending);
const FIRST_BLOCKED = created('insert jobs', S.Blocked);
const FIRST_CHILD = created('insert jobs', S.Queued);
created('create executions', S.Pending);
created('create executions', S.Blocked);

/**
 * A query that locks the job rows whose ids `ids` (a subquery of one uuid column) returns, in id
 * order, until commit, and returns their ids: how every multi-row write takes job rows, so that two
 * of them cannot each hold a job the other waits for. The rows are found by key (`= ANY(ARRAY(...))`,
 * an index scan in id order): joined to a CTE instead, the planner, which cannot see how few rows a
 * CTE holds, hashed it against a scan of the whole jobs table (decision record 0006).
 */
export const lockJobsInIdOrder = (ids: string) =>
  `SELECT j.id FROM jobs j WHERE j.id = ANY(ARRAY(${ids})) ORDER BY j.id FOR UPDATE OF j`;

/**
 * The `jobs.status` mirror, the same in every write: the job of each execution in `written` (rows
 * with id, job_id, status and updated_at as the write left them) takes that status and clock, when
 * that execution is the job's latest: a run of a recurring job that ends after a newer one started
 * (overlap `allow`) leaves the job showing the newer one. Several executions of one job in one write
 * update it once, with the newest. Locks those job rows until commit, in id order (`job_lock` sorts
 * before it locks): the relay's, the workers' and the ticks' multi-row writes all take job rows that
 * way ({@link lockJobsInIdOrder}), so two of them cannot each hold a job the other waits for.
 */
const mirrorJobs = (written: string) =>
  `job_write AS (
      SELECT DISTINCT ON (w.job_id) w.job_id, w.status, w.updated_at
        FROM ${written} w
       WHERE NOT EXISTS (SELECT 1 FROM executions x WHERE x.job_id = w.job_id AND x.id > w.id)
       ORDER BY w.job_id, w.id DESC
    ), job_lock AS (
      ${lockJobsInIdOrder('SELECT job_id FROM job_write')}
    ), job_row AS (
      UPDATE jobs j SET status = w.status, updated_at = w.updated_at
        FROM job_write w, job_lock l WHERE j.id = w.job_id AND l.id = j.id
    )`;

/** A status an execution is created in. */
export type InitialStatus = typeof S.Blocked | typeof S.Pending;

/** The status of a new job and of its first execution: BLOCKED while it waits for dependencies. */
export function initialStatus(waitsForDependencies: boolean): InitialStatus {
  return waitsForDependencies ? S.Blocked : S.Pending;
}

/** Runs Prisma raw SQL: the client, or an interactive transaction. */
type RawClient = Pick<Prisma.TransactionClient, '$queryRaw'>;

// Creation.

/**
 * The status a job inserted by the job insert (job-insert.ts, INSERT_JOBS) starts in, and its first
 * execution with it: BLOCKED when the input row says `blocked` (it waits for dependencies), QUEUED
 * when it says `queued` (a child job, which its parent's worker enqueues), else PENDING. Reads the
 * columns `blocked` and `queued` of the row being inserted (`row`, an alias or empty).
 */
const firstStatus = (row: string) =>
  `(CASE WHEN ${row}blocked THEN ${FIRST_BLOCKED} WHEN ${row}queued THEN ${FIRST_CHILD} ELSE ${FIRST_RUNNABLE} END)::"ExecutionStatus"`;
export const NEW_JOB_STATUS_SQL = firstStatus('');

/**
 * The `execution` CTE of the job insert: the first execution of each one-off job inserted, in the
 * status {@link NEW_JOB_STATUS_SQL} gave its job (so the job mirrors it). Reads the CTEs `input`
 * (execution_id, job_id, namespace, scheduled_for, created_at, blocked, queued, trace_parent) and `job` (the ids
 * inserted); returns id, status and created_at; only PENDING ones get an outbox row. Locks: the new
 * rows only. Idempotency: the job insert's (namespace, idempotency key).
 */
export const FIRST_EXECUTIONS_CTE = `execution AS (
      INSERT INTO executions (id, job_id, namespace, status, scheduled_for, created_at, updated_at, trace_parent,
                              queued_at)
      SELECT i.execution_id, i.job_id, i.namespace, ${firstStatus('i.')}, i.scheduled_for,
             i.created_at, i.created_at, i.trace_parent, CASE WHEN i.queued THEN i.created_at END
        FROM input i JOIN job ON job.id = i.job_id
       WHERE i.execution_id IS NOT NULL
      RETURNING id, status, created_at
    )`;
/** Of the rows {@link FIRST_EXECUTIONS_CTE} returns, those the relay is to enqueue. */
export const RUNNABLE_FIRST_EXECUTION_SQL = `status = ${FIRST_RUNNABLE}`;

/** An execution to create for an existing job (or one created earlier in the same transaction). */
export interface NewExecution {
  id: string;
  jobId: string;
  namespace: string;
  /** BLOCKED (waits for dependencies) or PENDING (relayed to BullMQ through an outbox row). */
  status: InitialStatus;
  scheduledFor: Date;
  nominalTime?: Date | null;
  /**
   * A buffered run: relayed only once the job's earlier unfinished executions have ended, and the
   * job's status stays theirs until then. @defaultValue false
   */
  afterPrevious?: boolean;
}

/**
 * Creates executions ($1 ids, $2 job ids, $3 namespaces, $4 statuses, $5 due times, $6 nominal
 * times, $7 after-previous flags; aligned) at $8, an ENQUEUE_EXECUTION outbox row for each PENDING
 * one (after the previous runs for a buffered one), in input order; and mirrors each on its job,
 * except buffered runs. Locks: the new rows and the mirrored job rows, until commit. Idempotency:
 * none; ids are the caller's, so a repeat fails on the primary key.
 */
const CREATE_EXECUTIONS: Statement = {
  name: 'meridian_create_executions',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::"ExecutionStatus"[], $5::timestamptz[],
                           $6::timestamptz[], $7::boolean[]) WITH ORDINALITY
        AS t(id, job_id, namespace, status, scheduled_for, nominal_time, after_previous, ord)
    ), created AS (
      INSERT INTO executions (id, job_id, namespace, status, scheduled_for, nominal_time, created_at, updated_at)
      SELECT id, job_id, namespace, status, scheduled_for, nominal_time, $8, $8 FROM input ORDER BY ord
      RETURNING id, job_id, status, updated_at
    ), outbox_row AS (
      INSERT INTO outbox (kind, execution_id, after_previous)
      SELECT 'ENQUEUE_EXECUTION', c.id, i.after_previous
        FROM created c JOIN input i ON i.id = c.id
       WHERE c.status = ${statusLiteral(S.Pending)}::"ExecutionStatus"
       ORDER BY i.ord
    ), ${mirrorJobs('(SELECT c.* FROM created c JOIN input i ON i.id = c.id WHERE NOT i.after_previous)')}
    SELECT count(*)::int AS created FROM created`,
};

/** Creates `executions` at `now` (see {@link CREATE_EXECUTIONS}); each in a status it may be created in. */
export async function createExecutions(
  runner: StatementRunner,
  executions: readonly NewExecution[],
  now: Date,
): Promise<void> {
  if (executions.length === 0) {
    return;
  }
  executions.forEach((execution) => assertInitial(execution.status));
  const column = <T>(pick: (execution: NewExecution) => T) => executions.map(pick);
  await runner.query(CREATE_EXECUTIONS, [
    column((e) => e.id),
    column((e) => e.jobId),
    column((e) => e.namespace),
    column((e) => e.status),
    column((e) => e.scheduledFor),
    column((e) => e.nominalTime ?? null),
    column((e) => e.afterPrevious ?? false),
    now,
  ]);
}

// Relay and attempts: the hot path, named statements on plain pg.

/**
 * Marks the dispatched executions ($1) that are still PENDING as QUEUED, with their jobs, at $2.
 * Output: how many moved. Locks: those execution and job rows, until commit. Idempotency: an
 * execution no longer PENDING (cancelled meanwhile, or already started) is left as it is.
 */
const MARK_QUEUED: Statement = {
  name: 'meridian_outbox_mark_queued',
  text: `
    WITH queued AS (
      UPDATE executions e SET status = ${RELAYED.to}, queued_at = $2, updated_at = $2
       WHERE e.id = ANY($1::uuid[]) AND e.status = ANY(${RELAYED.from})
      RETURNING e.id, e.job_id, e.status, e.updated_at
    ), ${mirrorJobs('queued')}
    SELECT count(*)::int AS queued FROM queued`,
};

/**
 * Begins the next attempt of each execution given ($1 ids, $2 worker ids, $3 clocks; aligned), or,
 * for a RUNNING execution whose attempt is parked (`parked_at` set: it waits for the children its
 * handler started), resumes that attempt: no new attempt, `resumed` true, and `parked_at` stays set
 * until the worker invokes the handler again (see {@link unparkAttempt}), so a worker lost before
 * then still resumes, not counts, on the next delivery.
 * Output: per execution that may run (not cancelled, finished or deleted), its attempt number, the
 * number of that attempt among those that count (interrupted attempts do not) and whether it was
 * resumed. Locks: the
 * execution, attempt and job rows written, until commit; the executions in id order, as the relay's
 * MARK_QUEUED takes them (the input is sorted, and the join walks it in that order), since a worker
 * may start an execution the relay is still marking. Idempotency: none by design: a redelivery
 * after a lost worker starts a new attempt, and the lost worker's RUNNING attempt is closed as
 * INTERRUPTED, so its late result is refused as stale by FINISH_ATTEMPTS.
 */
const START_ATTEMPTS: Statement = {
  name: 'meridian_start_attempts',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS t(id, worker_id, now) ORDER BY id
    ), started AS (
      UPDATE executions e
         SET status = ${TO_RUNNING.to},
             attempt = CASE WHEN ${PARKED} THEN e.attempt ELSE e.attempt + 1 END,
             started_at = CASE WHEN ${PARKED} THEN e.started_at ELSE i.now END,
             parked_at = CASE WHEN ${PARKED} THEN e.parked_at END,
             worker_id = i.worker_id, next_attempt_at = NULL, updated_at = i.now
        FROM input i
       WHERE e.id = i.id AND e.status = ANY(${TO_RUNNING.from})
      RETURNING e.id, e.job_id, e.status, e.updated_at, e.attempt, i.worker_id, i.now,
                e.parked_at IS NOT NULL AS resumed
    ), resumed_attempt AS (
      UPDATE execution_attempts a SET worker_id = s.worker_id
        FROM started s WHERE s.resumed AND a.execution_id = s.id AND a.attempt = s.attempt
    ), interrupted AS (
      UPDATE execution_attempts a
         SET outcome = 'INTERRUPTED', finished_at = s.now,
             duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (s.now - a.started_at)) * 1000)::int)
        FROM started s
       WHERE NOT s.resumed AND a.execution_id = s.id AND a.attempt < s.attempt AND a.outcome = 'RUNNING'
    ), attempt_row AS (
      INSERT INTO execution_attempts (execution_id, attempt, outcome, worker_id, started_at)
      SELECT id, attempt, 'RUNNING', worker_id, now FROM started WHERE NOT resumed
    ), ${mirrorJobs('started')}
    SELECT s.id, s.attempt, s.resumed,
           s.attempt - (SELECT count(*)::int FROM execution_attempts a
                         WHERE a.execution_id = s.id AND a.attempt < s.attempt
                           AND a.outcome IN ('INTERRUPTED', 'RUNNING')) AS counted_attempt
      FROM started s`,
};

/**
 * Parks attempt $2 of RUNNING execution $1 at $3 (its handler started children and waits for them),
 * or unparks it ($3 null: the handler is being invoked again). Not a move of the status: the attempt
 * stays RUNNING. Output: whether it applied. Locks: the execution row, for this statement.
 * Idempotency: parking a parked attempt again only moves its clock; a stale attempt changes nothing.
 */
const PARK_ATTEMPT: Statement = {
  name: 'meridian_park_attempt',
  text: `
    UPDATE executions e SET parked_at = $3, updated_at = COALESCE($3, e.updated_at)
     WHERE e.id = $1 AND e.attempt = $2 AND e.status = ${statusLiteral(S.Running)}
       AND ($3::timestamptz IS NOT NULL OR e.parked_at IS NOT NULL)
    RETURNING e.id`,
};

/** Marks attempt `attempt` of `executionId` as waiting for its children (see {@link PARK_ATTEMPT}). */
export async function parkAttempt(
  runner: StatementRunner,
  executionId: string,
  attempt: number,
  now: Date,
): Promise<boolean> {
  return (await runner.query(PARK_ATTEMPT, [executionId, attempt, now])).length > 0;
}

/** Clears the parked mark of attempt `attempt`, as its handler is invoked again (see {@link PARK_ATTEMPT}). */
export async function unparkAttempt(runner: StatementRunner, executionId: string, attempt: number): Promise<boolean> {
  return (await runner.query(PARK_ATTEMPT, [executionId, attempt, null])).length > 0;
}

/**
 * Records how attempts ended and moves their executions on ($1–$8, aligned: execution id, attempt,
 * new status, attempt outcome, result, error, retry delay, clock). Output: the ids whose write
 * applied, each with whether other jobs depend on its job (so that most ends skip settling); a
 * stale write (the execution was cancelled, or a newer attempt started) changes nothing.
 * Locks: the execution, attempt and job rows written, until commit, the executions in id order (as
 * START_ATTEMPTS). Idempotency: a second write of
 * the same end finds the execution no longer RUNNING and changes nothing.
 */
const FINISH_ATTEMPTS: Statement = {
  name: 'meridian_finish_attempts',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                           $8::timestamptz[])
        AS t(id, attempt, status, attempt_outcome, result, error, retry_delay_ms, now) ORDER BY id
    ), finished AS (
      UPDATE executions e
         SET status = i.status::"ExecutionStatus",
             finished_at = CASE WHEN i.status = 'RETRYING' THEN NULL ELSE i.now END,
             result = i.result::jsonb, last_error = COALESCE(i.error::jsonb, e.last_error),
             next_attempt_at = i.now + i.retry_delay_ms * interval '1 millisecond', parked_at = NULL,
             updated_at = i.now
        FROM input i
       WHERE e.id = i.id AND e.attempt = i.attempt AND e.status = ANY(${TO_ATTEMPT_END})
      RETURNING e.id, e.job_id, e.status, e.updated_at, i.attempt, i.attempt_outcome, i.error, i.retry_delay_ms, i.now
    ), attempt_row AS (
      UPDATE execution_attempts a
         SET outcome = f.attempt_outcome::"AttemptOutcome", finished_at = f.now, error = f.error::jsonb,
             retry_delay_ms = f.retry_delay_ms,
             duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (f.now - a.started_at)) * 1000)::int)
        FROM finished f
       WHERE a.execution_id = f.id AND a.attempt = f.attempt
    ), ${mirrorJobs('finished')}
    SELECT f.id, EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on_job_id = f.job_id) AS has_dependents
      FROM finished f`,
};

/** How an attempt ended, and what that makes of the execution. */
export type AttemptResult =
  | { status: typeof S.Succeeded; result: unknown }
  | { status: typeof S.Retrying; outcome: AttemptOutcome; error: Record<string, unknown>; retryDelayMs: number }
  | { status: typeof S.Dead; outcome: AttemptOutcome; error: Record<string, unknown> };

export interface AttemptStart {
  executionId: string;
  workerId: string;
  now: Date;
}

export interface AttemptEnd {
  executionId: string;
  attempt: number;
  outcome: AttemptResult;
  now: Date;
}

const json = (value: unknown) => (value === undefined ? null : toStorableJson(value));

/** Marks `executionIds` QUEUED at `now` where still PENDING (see {@link MARK_QUEUED}). */
export async function markQueued(runner: StatementRunner, executionIds: readonly string[], now: Date): Promise<void> {
  await runner.query(MARK_QUEUED, [executionIds, now]);
}

/** Starts an attempt of each of `starts`, one per execution (see {@link START_ATTEMPTS}). */
export function startAttempts(
  runner: StatementRunner,
  starts: readonly AttemptStart[],
): Promise<{ id: string; attempt: number; counted_attempt: number; resumed: boolean }[]> {
  return runner.query(START_ATTEMPTS, [
    starts.map((start) => start.executionId),
    starts.map((start) => start.workerId),
    starts.map((start) => start.now),
  ]);
}

/** Refuses an attempt end that the state machine, or {@link finishAttempts}, does not allow. */
export function assertAttemptEnd(status: Status): void {
  assertTransition(S.Running, status);
  if (!ATTEMPT_ENDS.includes(status)) {
    throw new InvariantViolationError(`An attempt ends ${ATTEMPT_ENDS.join(', ')}, not ${status}.`);
  }
}

/** Records the attempt ends of `ends` (see {@link FINISH_ATTEMPTS}); each was checked by {@link assertAttemptEnd}. */
export function finishAttempts(
  runner: StatementRunner,
  ends: readonly AttemptEnd[],
): Promise<{ id: string; has_dependents: boolean }[]> {
  const column = <T>(pick: (end: AttemptEnd) => T) => ends.map(pick);
  return runner.query(FINISH_ATTEMPTS, [
    column((end) => end.executionId),
    column((end) => end.attempt),
    column((end) => end.outcome.status),
    column((end) => (end.outcome.status === S.Succeeded ? 'SUCCEEDED' : end.outcome.outcome)),
    column((end) => (end.outcome.status === S.Succeeded ? json(end.outcome.result) : null)),
    column((end) => (end.outcome.status === S.Succeeded ? null : json(end.outcome.error))),
    column((end) => (end.outcome.status === S.Retrying ? end.outcome.retryDelayMs : null)),
    column((end) => end.now),
  ]);
}

// Writes inside Prisma transactions.

/**
 * Gives RUNNING execution `executionId` back to the queue while attempt `attempt` is its latest,
 * closing that attempt as INTERRUPTED (a worker shutting down before its handler finished).
 * Output: whether it moved. Locks: the execution, attempt and job rows, until commit.
 * Idempotency: a second call, or one after a newer attempt started, changes nothing.
 */
export async function releaseAttempt(client: RawClient, executionId: string, attempt: number, now: Date) {
  const rows = await client.$queryRaw<{ id: string }[]>`
    WITH released AS (
      UPDATE executions e SET status = ${Prisma.raw(HANDED_BACK.to)}, updated_at = ${now}
       WHERE e.id = ${executionId}::uuid AND e.attempt = ${attempt} AND e.status = ANY(${Prisma.raw(HANDED_BACK.from)})
      RETURNING e.id, e.job_id, e.status, e.updated_at
    ), attempt_row AS (
      UPDATE execution_attempts a
         SET outcome = 'INTERRUPTED', finished_at = ${now},
             duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamptz - a.started_at)) * 1000)::int)
        FROM released r WHERE a.execution_id = r.id AND a.attempt = ${attempt}
    ), ${Prisma.raw(mirrorJobs('released'))}
    SELECT id FROM released`;
  return rows.length > 0;
}

/** A cancelled execution with its job and the job's queue, for the caller to tell Redis. */
export interface CancelledInQueue extends CancelledExecution {
  jobId: string;
  queue: string;
}

/** Why executions were cancelled by Meridian rather than by a user, stored as their `lastError`. */
export interface CancelReason {
  code: string;
  message: string;
}

/**
 * Whose executions to cancel: one job's, several jobs', or a workflow's (with `exceptRunning`, only
 * those that have not started: blocked, pending, queued or waiting to retry).
 */
export type CancelScope =
  | { jobId: string }
  | { jobIds: readonly string[] }
  | { workflowId: string; exceptRunning?: boolean }
  /** The child jobs that these executions' handlers started. */
  | { parentExecutionIds: readonly string[] };

/**
 * Cancels the executions that have not ended among those `where` picks ($1, over executions `e`
 * joined to their jobs `j`), at $2, storing $3 (a reason, or null) as their `lastError`, and marks
 * their jobs CANCELLED. The attempt of a parked execution (waiting for its children) is closed as
 * CANCELLED here, as no worker holds it to close it. Output: each cancelled execution with the status it had, its job and queue.
 * Locks: those execution rows (FOR UPDATE) and their jobs, until commit. Idempotency: a second run
 * finds them ended and changes nothing.
 */
const cancelStatement = (name: string, where: string, cancel: Move): Statement => ({
  name: `meridian_cancel_${name}`,
  text: `
    WITH target AS (
      SELECT e.id, e.status, e.attempt, e.parked_at, j.queue FROM executions e JOIN jobs j ON j.id = e.job_id
       WHERE ${where} AND e.status = ANY(${cancel.from})
       FOR UPDATE OF e
    ), cancelled AS (
      UPDATE executions e
         SET status = ${cancel.to}, finished_at = $2, next_attempt_at = NULL, parked_at = NULL, updated_at = $2,
             last_error = COALESCE($3::jsonb, e.last_error)
        FROM target t WHERE e.id = t.id
      RETURNING e.id, e.job_id, e.status, e.updated_at, t.status AS previous_status, t.queue
    ), parked_attempt AS (
      UPDATE execution_attempts a
         SET outcome = 'CANCELLED', finished_at = $2,
             error = '{"code":"handler_cancelled","message":"The execution was cancelled while it waited for its children."}',
             duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM ($2::timestamptz - a.started_at)) * 1000)::int)
        FROM target t
       WHERE t.parked_at IS NOT NULL AND a.execution_id = t.id AND a.attempt = t.attempt AND a.outcome = 'RUNNING'
    ), ${mirrorJobs('cancelled')}
    SELECT id, job_id, previous_status, queue FROM cancelled`,
});
const CANCEL_OF_JOBS = cancelStatement('jobs', 'e.job_id = ANY($1::uuid[])', CANCELLED);
const CANCEL_OF_WORKFLOW = cancelStatement('workflow', 'j.workflow_id = $1::uuid', CANCELLED);
const CANCEL_WAITING_OF_WORKFLOW = cancelStatement('workflow_waiting', 'j.workflow_id = $1::uuid', CANCELLED_WAITING);
const CANCEL_OF_CHILDREN = cancelStatement('children', 'j.parent_execution_id = ANY($1::uuid[])', CANCELLED);

/**
 * Cancels the executions in `scope` that have not ended, in the caller's transaction or alone, and
 * marks their jobs CANCELLED (see {@link cancelStatement}). Returns the cancelled executions with
 * the status each had and their queue, so the caller knows which to remove from the queue and which
 * running attempt to signal.
 */
export async function cancelExecutions(
  runner: StatementRunner,
  scope: CancelScope,
  now: Date,
  reason: CancelReason | null = null,
): Promise<CancelledInQueue[]> {
  const [statement, target] =
    'jobId' in scope
      ? [CANCEL_OF_JOBS, [scope.jobId]]
      : 'jobIds' in scope
        ? [CANCEL_OF_JOBS, scope.jobIds]
        : 'parentExecutionIds' in scope
          ? [CANCEL_OF_CHILDREN, scope.parentExecutionIds]
          : [scope.exceptRunning === true ? CANCEL_WAITING_OF_WORKFLOW : CANCEL_OF_WORKFLOW, scope.workflowId];
  const rows = await runner.query<{ id: string; job_id: string; previous_status: Status; queue: string }>(statement, [
    target,
    now,
    reason === null ? null : JSON.stringify(reason),
  ]);
  return rows.map((row) => ({ id: row.id, jobId: row.job_id, previousStatus: row.previous_status, queue: row.queue }));
}

/**
 * Releases the BLOCKED executions $1 to run at $2: PENDING, with an outbox row each for the relay.
 * Output: the ids released. Locks: those execution and job rows, until commit. Idempotency: an
 * execution no longer BLOCKED (released or cancelled already) is left as it is.
 */
const RELEASE_BLOCKED: Statement = {
  name: 'meridian_release_blocked',
  text: `
    WITH released AS (
      UPDATE executions e SET status = ${UNBLOCKED.to}, updated_at = $2
       WHERE e.id = ANY($1::uuid[]) AND e.status = ANY(${UNBLOCKED.from})
      RETURNING e.id, e.job_id, e.status, e.updated_at
    ), ${mirrorJobs('released')}, queued AS (
      INSERT INTO outbox (kind, execution_id) SELECT 'ENQUEUE_EXECUTION', id FROM released
    )
    SELECT id FROM released`,
};

/** Releases the BLOCKED executions `executionIds` (see {@link RELEASE_BLOCKED}). */
export async function releaseBlocked(
  runner: StatementRunner,
  executionIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (executionIds.length === 0) {
    return [];
  }
  return (await runner.query<{ id: string }>(RELEASE_BLOCKED, [executionIds, now])).map((row) => row.id);
}

/**
 * Skips the BLOCKED executions $1, each with why ($2, aligned: a dependency failed), stored as its
 * `lastError`, at $3. Output: the ids skipped. Locks: those execution and job rows, until commit.
 * Idempotency: an execution no longer BLOCKED is left as it is.
 */
const SKIP_BLOCKED: Statement = {
  name: 'meridian_skip_blocked',
  text: `
    WITH skipped AS (
      UPDATE executions e
         SET status = ${SKIPPED.to}, finished_at = $3, updated_at = $3,
             last_error = jsonb_build_object('code', 'dependency_failed', 'message', 'skipped: dependency ' || s.reason)
        FROM unnest($1::uuid[], $2::text[]) AS s(id, reason)
       WHERE e.id = s.id AND e.status = ANY(${SKIPPED.from})
      RETURNING e.id, e.job_id, e.status, e.updated_at
    ), ${mirrorJobs('skipped')}
    SELECT id FROM skipped`,
};

/** Skips the BLOCKED executions of `skips` (see {@link SKIP_BLOCKED}). */
export async function skipBlocked(
  runner: StatementRunner,
  skips: readonly { id: string; reason: string }[],
  now: Date,
): Promise<string[]> {
  if (skips.length === 0) {
    return [];
  }
  const rows = await runner.query<{ id: string }>(SKIP_BLOCKED, [
    skips.map((item) => item.id),
    skips.map((item) => item.reason),
    now,
  ]);
  return rows.map((row) => row.id);
}

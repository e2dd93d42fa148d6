import { newId, redactAuditTarget, toStorableJson } from '@meridian/domain';

import type { SqlTransaction, Statement } from '../sql-client.js';

/** Who made a change: the key's id (`bootstrap` for the configured key) and its name then. */
export interface AuditActor {
  keyId: string;
  name: string;
}

/** An audit entry as a change describes itself: who, what, to which target, the target before and after. */
export interface NewAuditEntry {
  namespace: string;
  actor: AuditActor;
  /** `job.created`, `job.paused`, `key.revoked`, ... */
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
}

/**
 * The entry of a change, made from what the change wrote (the stored job, the trigger's run, ...).
 * A repository that takes one calls it inside the change's transaction and writes the entry there,
 * so that a change that committed always has its entry, and one that rolled back has none.
 */
export type AuditOf<T> = (changed: T) => NewAuditEntry;

/** An entry ready to insert: its id and instant given, its targets redacted and as JSON text. */
export interface AuditRow {
  id: string;
  namespace: string;
  actorKeyId: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
  before: string | null;
  after: string | null;
  at: Date;
}

const targetJson = (value: unknown) =>
  value === undefined || value === null ? null : toStorableJson(redactAuditTarget(value));

/**
 * Makes `entry` ready to insert, as of `at`. Every entry goes through here, so none can keep a
 * secret field or a job's header values (see redactAuditTarget).
 */
export function toAuditRow(entry: NewAuditEntry, at: Date): AuditRow {
  return {
    id: newId(),
    namespace: entry.namespace,
    actorKeyId: entry.actor.keyId,
    actorName: entry.actor.name,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    before: targetJson(entry.before),
    after: targetJson(entry.after),
    at,
  };
}

/** One array per column, aligned by row, as {@link insertAuditRowsSql} takes them. */
export function auditColumns(rows: readonly AuditRow[]): unknown[][] {
  return [
    rows.map((row) => row.id),
    rows.map((row) => row.namespace),
    rows.map((row) => row.actorKeyId),
    rows.map((row) => row.actorName),
    rows.map((row) => row.action),
    rows.map((row) => row.targetType),
    rows.map((row) => row.targetId),
    rows.map((row) => row.before),
    rows.map((row) => row.after),
    rows.map((row) => row.at),
  ];
}

/**
 * The one statement (or CTE) that inserts audit rows, for every repository that writes them.
 * Inputs: the ten arrays of {@link auditColumns} as parameters `$first` to `$first + 9`; `before` and `after` are JSON text or NULL. `condition` filters the rows, on the alias
 * `a` (the create of jobs keeps only the entries of the jobs it inserted). Insert only: no locks
 * beyond the new rows; each row has a new id, so a statement run again after a rollback writes each
 * entry once.
 */
export function insertAuditRowsSql(first: number, condition = ''): string {
  const $ = (offset: number) => `$${first + offset}`;
  return `
    INSERT INTO audit_entries (id, namespace, actor_key_id, actor_name, action, target_type, target_id, before, after, at)
    SELECT a.id, a.namespace, a.actor_key_id, a.actor_name, a.action, a.target_type, a.target_id, a.before::jsonb,
           a.after::jsonb, a.at
      FROM unnest(${$(0)}::uuid[], ${$(1)}::text[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[],
                  ${$(6)}::text[], ${$(7)}::text[], ${$(8)}::text[], ${$(9)}::timestamptz[])
        AS a(id, namespace, actor_key_id, actor_name, action, target_type, target_id, before, after, at)
    ${condition}`;
}

/** Appends audit rows; see {@link insertAuditRowsSql}. */
const APPEND_AUDIT_ROWS: Statement = { name: 'meridian_audit_append', text: insertAuditRowsSql(1) };

/**
 * Writes `entries`, as of `at`, with `runner`: inside the transaction of the change they record
 * (a transaction's connection, or a Prisma transaction's through statementsIn).
 */
export async function appendAuditEntries(
  runner: Pick<SqlTransaction, 'query'>,
  entries: readonly NewAuditEntry[],
  at: Date,
): Promise<void> {
  await appendAuditRows(
    runner,
    entries.map((entry) => toAuditRow(entry, at)),
  );
}

/** Writes rows made ready by {@link toAuditRow}, each with its own instant, in one statement. */
export async function appendAuditRows(runner: Pick<SqlTransaction, 'query'>, rows: readonly AuditRow[]): Promise<void> {
  if (rows.length > 0) {
    await runner.query(APPEND_AUDIT_ROWS, auditColumns(rows));
  }
}

/** What an audit entry shows in place of a value it must not keep. */
export const REDACTED = '[redacted]';

/** Top-level fields of a target never kept in the audit log: a key shown once, the webhook secret. */
const SECRET_FIELDS = new Set(['key', 'secret']);

/** How deep a target is searched for job payloads; views nest jobs two or three levels down at most. */
const MAX_DEPTH = 8;

/**
 * A target as the audit log keeps it: without its secret fields, and with the value of every header
 * of every job payload (`payload.headers`, as the http handler takes them) replaced by
 * {@link REDACTED}, the header names kept. Headers carry credentials (`Authorization`, API keys) that
 * whoever reads the log must not learn. Pure: the value given is not changed.
 */
export function redactAuditTarget(value: unknown): unknown {
  if (!isRecord(value)) {
    return redactPayloads(value, 0);
  }
  return redactPayloads(Object.fromEntries(Object.entries(value).filter(([name]) => !SECRET_FIELDS.has(name))), 0);
}

function redactPayloads(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => redactPayloads(item, depth + 1));
  }
  if (!isRecord(value)) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      name,
      name === 'payload' ? redactHeaders(item) : redactPayloads(item, depth + 1),
    ]),
  );
}

function redactHeaders(payload: unknown): unknown {
  if (!isRecord(payload) || !isRecord(payload.headers)) {
    return payload;
  }
  return { ...payload, headers: Object.fromEntries(Object.keys(payload.headers).map((name) => [name, REDACTED])) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

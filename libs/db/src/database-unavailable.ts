import { sqlStateOf } from './sql-client.js';

/** Socket errors of a connection that could not be made or was lost. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * Prisma's codes for a server it cannot reach (P1001), a connection that timed out (P1002, P1008),
 * a server that closed the connection (P1017), and no pooled connection in time (P2024).
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** The kinds Prisma's driver adapter gives a lost or refused connection. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * What pg says when a connection ends under a query, when a client is used after its connection
 * failed, and when the pool waited too long for a connection.
 */
const PG_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
];

interface ConnectionErrorShapes {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
}

/**
 * Whether `error` says Postgres could not be reached or the connection was lost (rather than that
 * it refused the statement): SQLSTATE class 08 (connection exception), 57P01–57P03 (the server is
 * shutting down or cannot take connections yet), socket errors, and the shapes pg and Prisma's
 * driver adapter give them. Such a failure is the server's, not the request's: retried once
 * Postgres is back, the same request may succeed. Errors wrapped in `cause` are looked through.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 5; depth += 1) {
    if (isConnectionError(current)) {
      return true;
    }
    current = (current as ConnectionErrorShapes).cause;
  }
  return false;
}

function isConnectionError(error: ConnectionErrorShapes): boolean {
  const sqlState = sqlStateOf(error) ?? '';
  if (/^08/.test(sqlState) || /^57P0[123]$/.test(sqlState)) {
    return true;
  }
  if (typeof error.code === 'string' && (SOCKET_CODES.has(error.code) || PRISMA_CODES.has(error.code))) {
    return true;
  }
  const kind = error.meta?.driverAdapterError?.cause?.kind;
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) {
    return true;
  }
  const message = error.message;
  return typeof message === 'string' && PG_MESSAGES.some((pattern) => pattern.test(message));
}

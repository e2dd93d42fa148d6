/** Injection token of the validated {@link MeridianConfig}. */
export const CONFIG = Symbol('MeridianConfig');
/** Injection token of the process's {@link Postgres} connections (Prisma and plain SQL on one pool). */
export const POSTGRES = Symbol('Postgres');
/** Injection token of the Prisma client. */
export const DATABASE = Symbol('Database');
/** Injection token of the plain-SQL client of the hot path. */
export const SQL = Symbol('SqlClient');
/** Injection token of the shared (non-blocking) Redis connection. */
export const REDIS = Symbol('Redis');

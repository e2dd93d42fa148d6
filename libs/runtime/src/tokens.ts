/** Injection token of the validated {@link MeridianConfig}. */
export const CONFIG = Symbol('MeridianConfig');
/** Injection token of the Prisma client. */
export const DATABASE = Symbol('Database');
/** Injection token of the shared (non-blocking) Redis connection. */
export const REDIS = Symbol('Redis');

import type { MeridianConfig } from '@meridian/config';
import {
  ApiKeyRepository,
  AuditRepository,
  ChildJobRepository,
  type Database,
  DatabaseHealthRepository,
  DependencyRepository,
  ExecutionRepository,
  JobRepository,
  NamespaceRepository,
  OccurrenceRepository,
  OutboxRepository,
  OverviewRepository,
  RecurringJobRepository,
  type SqlClient,
  WorkflowRepository,
} from '@meridian/db';

/** What a repository is built from: the process's Postgres clients, and the options some take. */
export interface RepositoryDependencies {
  db: Database;
  /** The plain-SQL client; the repositories on the path of every job use it beside Prisma. */
  sql: SqlClient;
  config: MeridianConfig;
}

/** A repository class, as `DatabaseModule.forFeature` takes it and modules inject it. */
export type RepositoryClass<T extends object = object> = abstract new (...args: never[]) => T;

type RepositoryFactory = (dependencies: RepositoryDependencies) => object;

/**
 * How each repository is built: the one list to extend with a new repository. A repository missing
 * here cannot be asked for (DatabaseModule.forFeature fails the boot).
 */
export const REPOSITORY_FACTORIES: ReadonlyMap<RepositoryClass, RepositoryFactory> = new Map<
  RepositoryClass,
  RepositoryFactory
>([
  [ApiKeyRepository, ({ db, sql }) => new ApiKeyRepository(db, sql)],
  [AuditRepository, ({ db, sql }) => new AuditRepository(db, sql)],
  [ChildJobRepository, ({ db, sql }) => new ChildJobRepository(db, sql)],
  [DatabaseHealthRepository, ({ db }) => new DatabaseHealthRepository(db)],
  [DependencyRepository, ({ db, sql }) => new DependencyRepository(db, sql)],
  [ExecutionRepository, ({ db, sql }) => new ExecutionRepository(db, sql)],
  [
    JobRepository,
    ({ db, sql, config }) =>
      new JobRepository(db, sql, { defaultMaxRecurringJobs: config.api.maxRecurringJobsPerNamespace }),
  ],
  [NamespaceRepository, ({ db }) => new NamespaceRepository(db)],
  [OccurrenceRepository, ({ db, sql }) => new OccurrenceRepository(db, sql)],
  [OutboxRepository, ({ db, sql }) => new OutboxRepository(db, sql)],
  [OverviewRepository, ({ sql }) => new OverviewRepository(sql)],
  [RecurringJobRepository, ({ db }) => new RecurringJobRepository(db)],
  [WorkflowRepository, ({ db, sql }) => new WorkflowRepository(db, sql)],
]);

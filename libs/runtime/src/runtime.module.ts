import type { MeridianConfig } from '@meridian/config';
import {
  ApiKeyRepository,
  AuditRepository,
  connectPostgres,
  type Database,
  DatabaseHealthRepository,
  DependencyRepository,
  ExecutionRepository,
  JobRepository,
  NamespaceRepository,
  OccurrenceLedgerRepository,
  OutboxRepository,
  type Postgres,
  type SqlClient,
  WorkflowRepository,
} from '@meridian/db';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { builtinHandlers, NamespaceHttpSettings, NamespaceTargetGuards, WebhookSigner } from '@meridian/handlers';
import {
  CancellationBus,
  CancellationNotifier,
  createRedisConnection,
  ExecutionQueueGateway,
  NamespaceAdmission,
} from '@meridian/queue';
import { CancellationService, DependencySettler } from '@meridian/services';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';

import { ConnectionsLifecycle } from './connections.lifecycle.js';
import { REDACTED, REDACTED_LOG_PATHS } from './log-redaction.js';
import { RedisHealthRepository } from './redis-health.repository.js';
import { CONFIG, DATABASE, POSTGRES, REDIS, SQL } from './tokens.js';

export type Component = 'api' | 'scheduler' | 'worker';

/**
 * Configuration, logging, Postgres (repositories) and Redis (queues) for one Meridian process.
 * Every app imports it once; no app builds its own connections.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(config: MeridianConfig, component: Component): DynamicModule {
    const prismaRepositories = [NamespaceRepository, DatabaseHealthRepository].map((repository) => ({
      provide: repository,
      useFactory: (db: Database) => new repository(db),
      inject: [DATABASE],
    }));
    // The repositories on the path of every job also run plain SQL (see SqlClient).
    const hotPathRepositories = [
      ApiKeyRepository,
      AuditRepository,
      DependencyRepository,
      ExecutionRepository,
      OccurrenceLedgerRepository,
      OutboxRepository,
      WorkflowRepository,
    ].map((repository) => ({
      provide: repository,
      useFactory: (db: Database, sql: SqlClient) => new repository(db, sql),
      inject: [DATABASE, SQL],
    }));
    const jobRepository = {
      provide: JobRepository,
      useFactory: (db: Database, sql: SqlClient) =>
        new JobRepository(db, sql, { defaultMaxRecurringJobs: config.api.maxRecurringJobsPerNamespace }),
      inject: [DATABASE, SQL],
    };
    const repositories = [...prismaRepositories, ...hotPathRepositories, jobRepository];
    return {
      module: RuntimeModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: `meridian-${component}`,
            level: config.logLevel,
            // Request logs only where there are requests; health probes would drown everything else.
            autoLogging:
              component === 'api' ? { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' } : false,
            // What a request log needs, and no more: serialising every header cost a tenth of the
            // api's CPU per create, and headers carry API keys, which never belong in a log.
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED },
          },
        }),
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: POSTGRES, useFactory: () => connectPostgres(config.database) },
        { provide: DATABASE, useFactory: (postgres: Postgres) => postgres.prisma, inject: [POSTGRES] },
        { provide: SQL, useFactory: (postgres: Postgres) => postgres.sql, inject: [POSTGRES] },
        {
          provide: REDIS,
          useFactory: () =>
            createRedisConnection(config.redis, `meridian-${component}`, component === 'worker' ? 'worker' : 'client'),
        },
        ...repositories,
        {
          provide: RedisHealthRepository,
          useFactory: (redis: Redis) => new RedisHealthRepository(redis),
          inject: [REDIS],
        },
        {
          provide: ExecutionQueueGateway,
          useFactory: (redis: Redis) =>
            new ExecutionQueueGateway({ connection: redis, prefix: config.redis.prefix, queues: config.queues }),
          inject: [REDIS],
        },
        {
          provide: CancellationBus,
          useFactory: (redis: Redis) => new CancellationBus(redis, config.redis.prefix),
          inject: [REDIS],
        },
        {
          provide: NamespaceAdmission,
          useFactory: (redis: Redis) => new NamespaceAdmission(redis, config.redis.prefix),
          inject: [REDIS],
        },
        {
          provide: CancellationNotifier,
          useFactory: (queues: ExecutionQueueGateway, bus: CancellationBus) => new CancellationNotifier(queues, bus),
          inject: [ExecutionQueueGateway, CancellationBus],
        },
        {
          provide: NamespaceHttpSettings,
          useFactory: (namespaces: NamespaceRepository) => new NamespaceHttpSettings(namespaces),
          inject: [NamespaceRepository],
        },
        {
          // Built at boot: a duplicate handler name fails the boot. The api validates jobs against the
          // same catalog the worker runs, so an unknown handler is refused at create time.
          provide: HandlerRegistry,
          useFactory: (settings: NamespaceHttpSettings) =>
            new HandlerRegistry(
              builtinHandlers({
                http: {
                  maxResponseBytes: config.worker.httpMaxResponseBytes,
                  targetPolicy: new NamespaceTargetGuards({
                    processWide: config.worker.httpAllowedTargets,
                    ownRanges: async (namespace) => (await settings.of(namespace)).httpAllowedTargets,
                  }),
                  signer: new WebhookSigner(settings),
                },
              }),
            ),
          inject: [NamespaceHttpSettings],
        },
        ConnectionsLifecycle,
        DependencySettler,
        CancellationService,
      ],
      exports: [
        CONFIG,
        DATABASE,
        SQL,
        REDIS,
        ...repositories.map((r) => r.provide),
        RedisHealthRepository,
        ExecutionQueueGateway,
        CancellationBus,
        CancellationNotifier,
        NamespaceAdmission,
        HandlerRegistry,
        DependencySettler,
        CancellationService,
      ],
    };
  }
}

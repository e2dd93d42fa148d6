import type { MeridianConfig } from '@meridian/config';
import { MetricsModule } from '@meridian/metrics';
import { CoreModule, DatabaseModule, QueueModule } from '@meridian/runtime';
import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';

import { BullBoardGate } from './admin/bull-board.gate.js';
import { AuditModule } from './audit/audit.module.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeyMiddleware } from './auth/api-key.middleware.js';
import { AuthModule } from './auth/auth.module.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { RequestBodyMiddleware } from './common/request-body.middleware.js';
import { ExecutionsModule } from './executions/executions.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { KeysModule } from './keys/keys.module.js';
import { NamespacesModule } from './namespaces/namespaces.module.js';
import { OverviewModule } from './overview/overview.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

/** The API's resources, a module each, with their controllers and services. */
const RESOURCE_MODULES = [
  AuditModule,
  ExecutionsModule,
  HealthModule,
  JobsModule,
  KeysModule,
  NamespacesModule,
  OverviewModule,
  SchedulesModule,
  WorkflowsModule,
];

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, 'api'),
        DatabaseModule.forRoot(config),
        QueueModule.forRoot(config, 'api'),
        MetricsModule.forRoot(config, 'api'),
        AuthModule,
        ...RESOURCE_MODULES,
      ],
      providers: [
        BullBoardGate,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [AuthModule],
    };
  }

  /** Every REST API request is authenticated first, and only then is its body read. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiKeyMiddleware, RequestBodyMiddleware).forRoutes({ path: 'v1/*path', method: RequestMethod.ALL });
  }
}

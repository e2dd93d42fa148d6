import type { MeridianConfig } from '@meridian/config';
import { RuntimeModule } from '@meridian/runtime';
import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';

import { BullBoardGate } from './admin/bull-board.gate.js';
import { AuditController } from './audit/audit.controller.js';
import { RefusalAudit } from './audit/refusal-audit.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeyMiddleware } from './auth/api-key.middleware.js';
import { AuthModule } from './auth/auth.module.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { RequestBodyMiddleware } from './common/request-body.middleware.js';
import { ExecutionsController } from './executions/executions.controller.js';
import { HealthController } from './health/health.controller.js';
import { JobsModule } from './jobs/jobs.module.js';
import { KeysModule } from './keys/keys.module.js';
import { NamespaceController } from './namespace/namespace.controller.js';
import { NamespacesController } from './namespace/namespaces.controller.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.forRoot(config, 'api'), AuthModule, KeysModule, JobsModule, WorkflowsModule],
      controllers: [AuditController, ExecutionsController, HealthController, NamespaceController, NamespacesController],
      providers: [
        RefusalAudit,
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

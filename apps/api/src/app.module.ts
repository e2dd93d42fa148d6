import type { MeridianConfig } from '@meridian/config';
import { RuntimeModule } from '@meridian/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';

import { AuditController } from './audit/audit.controller.js';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditWriter } from './audit/audit-writer.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { ExecutionsController } from './executions/executions.controller.js';
import { HealthController } from './health/health.controller.js';
import { JobsModule } from './jobs/jobs.module.js';
import { KeysModule } from './keys/keys.module.js';
import { NamespaceController } from './namespace/namespace.controller.js';
import { NamespacesController } from './namespace/namespaces.controller.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

@Module({})
export class AppModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.forRoot(config, 'api'), AuthModule, KeysModule, JobsModule, WorkflowsModule],
      controllers: [AuditController, ExecutionsController, HealthController, NamespaceController, NamespacesController],
      providers: [
        AuditWriter,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
      exports: [AuthModule],
    };
  }
}

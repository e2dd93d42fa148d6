import type { MeridianConfig } from '@meridian/config';
import { RuntimeModule } from '@meridian/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';

import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { ExecutionsController } from './executions/executions.controller.js';
import { HealthController } from './health/health.controller.js';
import { JobsModule } from './jobs/jobs.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

@Module({})
export class AppModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.forRoot(config, 'api'), JobsModule, WorkflowsModule],
      controllers: [ExecutionsController, HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}

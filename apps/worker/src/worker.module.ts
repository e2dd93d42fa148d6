import type { MeridianConfig } from '@meridian/config';
import { RuntimeModule } from '@meridian/runtime';
import { type DynamicModule, Module } from '@nestjs/common';

import { DatabaseOutage } from './execution/database-outage.service.js';
import { ExecutionRunner } from './execution/execution-runner.service.js';
import { NamespaceLimitsService } from './execution/namespace-limits.service.js';
import { WorkerPool } from './execution/worker-pool.service.js';

@Module({})
export class WorkerModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [RuntimeModule.forRoot(config, 'worker')],
      providers: [DatabaseOutage, ExecutionRunner, NamespaceLimitsService, WorkerPool],
    };
  }
}

import type { MeridianConfig } from '@meridian/config';
import { DatabaseHealthRepository, DependencyRepository, ExecutionRepository, NamespaceRepository } from '@meridian/db';
import { MetricsModule } from '@meridian/metrics';
import { CoreModule, DatabaseModule, HandlersModule, QueueModule } from '@meridian/runtime';
import { ServicesModule } from '@meridian/services';
import { type DynamicModule, Module } from '@nestjs/common';

import { AttemptMetrics } from './execution/attempt-metrics.js';
import { AttemptRecorder } from './execution/attempt-recorder.js';
import { DatabaseOutage } from './execution/database-outage.js';
import { ExecutionAdmission } from './execution/execution-admission.js';
import { ExecutionRunner } from './execution/execution-runner.js';
import { HandlerInvoker } from './execution/handler-invoker.js';
import { NamespaceLimitsService } from './execution/namespace-limits.service.js';
import { WorkerPool } from './execution/worker-pool.js';
import { WorkerReadiness } from './execution/worker-readiness.js';

/** The worker: runs executions from the queues it serves through the handler catalog. */
@Module({})
export class WorkerModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, 'worker'),
        DatabaseModule.forRoot(config),
        QueueModule.forRoot(config, 'worker'),
        MetricsModule.forRoot(config, 'worker'),
        DatabaseModule.forFeature([
          DatabaseHealthRepository,
          DependencyRepository,
          ExecutionRepository,
          NamespaceRepository,
        ]),
        HandlersModule,
        ServicesModule,
      ],
      providers: [
        AttemptMetrics,
        AttemptRecorder,
        DatabaseOutage,
        ExecutionAdmission,
        ExecutionRunner,
        HandlerInvoker,
        NamespaceLimitsService,
        WorkerPool,
        WorkerReadiness,
      ],
    };
  }
}

import type { MeridianConfig } from '@meridian/config';
import {
  ChildJobRepository,
  DatabaseHealthRepository,
  DependencyRepository,
  ExecutionRepository,
  NamespaceRepository,
} from '@meridian/db';
import { MetricsModule } from '@meridian/metrics';
import { ChildFlowGateway } from '@meridian/queue';
import { CoreModule, DatabaseModule, HandlersModule, QueueModule, REDIS } from '@meridian/runtime';
import { ServicesModule } from '@meridian/services';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { AttemptMetrics } from './execution/attempt-metrics.js';
import { AttemptRecorder } from './execution/attempt-recorder.js';
import { ChildCoordinator } from './execution/child-coordinator.js';
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
          ChildJobRepository,
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
        ChildCoordinator,
        {
          // On the shared connection, which the app closes: the producer holds none of its own.
          provide: ChildFlowGateway,
          useFactory: (redis: Redis) => new ChildFlowGateway({ connection: redis, prefix: config.redis.prefix }),
          inject: [REDIS],
        },
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

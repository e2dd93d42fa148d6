import type { MeridianConfig } from '@meridian/config';
import {
  ChildJobRepository,
  DependencyRepository,
  ExecutionRepository,
  OccurrenceRepository,
  OutboxRepository,
  RecurringJobRepository,
} from '@meridian/db';
import { MetricsModule } from '@meridian/metrics';
import { CoreModule, DatabaseModule, QueueModule } from '@meridian/runtime';
import { ServicesModule } from '@meridian/services';
import { type DynamicModule, Module } from '@nestjs/common';

import { SchedulerGauges } from './metrics/scheduler-gauges.js';
import { OutboxRelayService } from './outbox/outbox-relay.service.js';
import { ChildJobRepairs } from './reconciler/child-job-repairs.js';
import { LostRuns } from './reconciler/lost-runs.js';
import { ReconcilerService } from './reconciler/reconciler.service.js';
import { RedisLossWatcher } from './reconciler/redis-loss-watcher.service.js';
import { RecurrenceService } from './recurrence/recurrence.service.js';
import { TickWorkerService } from './recurrence/tick-worker.service.js';

/** The scheduler: relays the outbox to the queues, handles recurring jobs' ticks, reconciles. */
@Module({})
export class SchedulerModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        CoreModule.forRoot(config, 'scheduler'),
        DatabaseModule.forRoot(config),
        QueueModule.forRoot(config, 'scheduler'),
        MetricsModule.forRoot(config, 'scheduler'),
        DatabaseModule.forFeature([
          ChildJobRepository,
          DependencyRepository,
          ExecutionRepository,
          OccurrenceRepository,
          OutboxRepository,
          RecurringJobRepository,
        ]),
        ServicesModule,
      ],
      providers: [
        OutboxRelayService,
        LostRuns,
        ReconcilerService,
        ChildJobRepairs,
        RedisLossWatcher,
        RecurrenceService,
        SchedulerGauges,
        TickWorkerService,
      ],
    };
  }
}

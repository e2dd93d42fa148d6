import type { MeridianConfig } from '@meridian/config';
import { RuntimeModule } from '@meridian/runtime';
import { type DynamicModule, Module } from '@nestjs/common';

import { OutboxRelayService } from './outbox/outbox-relay.service.js';
import { LostRuns } from './reconciler/lost-runs.js';
import { ReconcilerService } from './reconciler/reconciler.service.js';
import { RedisLossWatcher } from './reconciler/redis-loss-watcher.service.js';
import { RecurrenceService } from './recurrence/recurrence.service.js';
import { TickWorker } from './recurrence/tick-worker.service.js';

@Module({})
export class SchedulerModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [RuntimeModule.forRoot(config, 'scheduler')],
      providers: [OutboxRelayService, LostRuns, ReconcilerService, RedisLossWatcher, RecurrenceService, TickWorker],
    };
  }
}

import { OverviewRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { Module } from '@nestjs/common';

import { OverviewController } from './overview.controller.js';
import { OverviewService } from './overview.service.js';

/** The overview of a namespace: recent throughput, failures and lateness, and the shared queues and outbox. */
@Module({
  imports: [DatabaseModule.forFeature([OverviewRepository])],
  controllers: [OverviewController],
  providers: [OverviewService],
})
export class OverviewModule {}

import { OccurrenceRepository, RecurringJobRepository } from '@meridian/db';
import { DatabaseModule, HandlersModule } from '@meridian/runtime';
import { ServicesModule } from '@meridian/services';
import { Module } from '@nestjs/common';

import { JobsModule } from '../jobs/jobs.module.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesService } from './schedules.service.js';

/** Recurring jobs: the routes under `/v1/jobs/:id` that only a job with a schedule answers. */
@Module({
  imports: [
    JobsModule,
    DatabaseModule.forFeature([OccurrenceRepository, RecurringJobRepository]),
    HandlersModule,
    ServicesModule,
  ],
  controllers: [SchedulesController],
  providers: [SchedulesService],
})
export class SchedulesModule {}

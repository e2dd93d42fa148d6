import { Module } from '@nestjs/common';

import { SchedulesController } from '../schedules/schedules.controller.js';
import { SchedulesService } from '../schedules/schedules.service.js';
import { JobBatchService } from './job-batch.service.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

@Module({
  controllers: [JobsController, SchedulesController],
  providers: [JobsService, JobBatchService, SchedulesService],
  exports: [JobsService],
})
export class JobsModule {}

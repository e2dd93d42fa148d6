import { ExecutionRepository, JobRepository, WorkflowRepository } from '@meridian/db';
import { DatabaseModule, HandlersModule } from '@meridian/runtime';
import { ServicesModule } from '@meridian/services';
import { Module } from '@nestjs/common';

import { JobBatchService } from './job-batch.service.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

/** One-off and recurring jobs: create (one or a batch), read, list, cancel, delete. */
@Module({
  imports: [
    DatabaseModule.forFeature([ExecutionRepository, JobRepository, WorkflowRepository]),
    HandlersModule,
    ServicesModule,
  ],
  controllers: [JobsController],
  providers: [JobsService, JobBatchService],
  exports: [JobsService],
})
export class JobsModule {}

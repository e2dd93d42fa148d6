import { ChildJobRepository, ExecutionRepository, JobRepository, WorkflowRepository } from '@meridian/db';
import { DatabaseModule, HandlersModule } from '@meridian/runtime';
import { ServicesModule } from '@meridian/services';
import { Module } from '@nestjs/common';

import { ChildJobsService } from './child-jobs.service.js';
import { JobBatchService } from './job-batch.service.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

/** One-off and recurring jobs: create (one or a batch), read, list (and list a job's children), cancel, delete. */
@Module({
  imports: [
    DatabaseModule.forFeature([ChildJobRepository, ExecutionRepository, JobRepository, WorkflowRepository]),
    HandlersModule,
    ServicesModule,
  ],
  controllers: [JobsController],
  providers: [JobsService, JobBatchService, ChildJobsService],
  exports: [JobsService],
})
export class JobsModule {}

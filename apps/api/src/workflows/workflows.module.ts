import { WorkflowRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { ServicesModule } from '@meridian/services';
import { Module } from '@nestjs/common';

import { JobsModule } from '../jobs/jobs.module.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsService } from './workflows.service.js';

@Module({
  imports: [JobsModule, DatabaseModule.forFeature([WorkflowRepository]), ServicesModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService],
  exports: [WorkflowsService],
})
export class WorkflowsModule {}

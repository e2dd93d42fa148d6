import { ExecutionRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { Module } from '@nestjs/common';

import { ExecutionsController } from './executions.controller.js';
import { ExecutionsService } from './executions.service.js';

@Module({
  imports: [DatabaseModule.forFeature([ExecutionRepository])],
  controllers: [ExecutionsController],
  providers: [ExecutionsService],
})
export class ExecutionsModule {}

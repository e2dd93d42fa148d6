import { ChildJobRepository, DependencyRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { Module } from '@nestjs/common';

import { CancellationService } from './cancellation.service.js';
import { DependencySettler } from './dependency-settler.js';

/**
 * What follows an execution's end, for every process that ends one: its dependents settled
 * (DependencySettler) and, for a cancel, Redis told as well (CancellationService). A static module,
 * so every importer shares one settler and its batches. Needs QueueModule.forRoot in the app.
 */
@Module({
  imports: [DatabaseModule.forFeature([ChildJobRepository, DependencyRepository])],
  providers: [DependencySettler, CancellationService],
  exports: [DependencySettler, CancellationService],
})
export class ServicesModule {}

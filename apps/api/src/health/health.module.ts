import { DatabaseHealthRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { Module } from '@nestjs/common';

import { HealthController } from './health.controller.js';

/** Liveness and readiness probes, outside `/v1` and without a key. */
@Module({ imports: [DatabaseModule.forFeature([DatabaseHealthRepository])], controllers: [HealthController] })
export class HealthModule {}

import { Module } from '@nestjs/common';

import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/**
 * Liveness and readiness probes and Prometheus's scrape, outside `/v1` and without a key. Readiness
 * and the metrics come from MetricsModule (global), which the scheduler and the worker share.
 */
@Module({ controllers: [HealthController, MetricsController] })
export class HealthModule {}

import type { MeridianConfig } from '@meridian/config';
import { DatabaseHealthRepository, type Postgres } from '@meridian/db';
import { type Component, DatabaseModule, POSTGRES } from '@meridian/runtime';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';

import { MetricCatalog } from './metric-catalog.js';
import { createMetricCatalog } from './metric-registry.js';
import { ProbeServer } from './probe-server.js';
import { Readiness } from './readiness.js';

/**
 * The process's metrics (its MetricCatalog, global) and readiness, with its own Postgres pool measured
 * at each scrape. The scheduler and the worker also get the probe port (METRICS_PORT, 0: none); the
 * api serves /metrics, /healthz and /readyz on its own port instead. Imported once, in the app's
 * root module, after DatabaseModule.forRoot and QueueModule.forRoot.
 */
@Module({})
export class MetricsModule {
  static forRoot(config: MeridianConfig, component: Component): DynamicModule {
    const providers: Provider[] = [
      {
        provide: MetricCatalog,
        useFactory: (postgres: Postgres) => {
          const catalog = createMetricCatalog(component);
          catalog.measure(catalog.postgresPoolClients, () => {
            const pool = postgres.poolClients();
            catalog.postgresPoolClients.set({ state: 'in_use' }, pool.total - pool.idle);
            catalog.postgresPoolClients.set({ state: 'idle' }, pool.idle);
            catalog.postgresPoolClients.set({ state: 'waiting' }, pool.waiting);
          });
          return catalog;
        },
        inject: [POSTGRES],
      },
      Readiness,
    ];
    if (component !== 'api' && config.metrics.port > 0) {
      providers.push({
        provide: ProbeServer,
        useFactory: (catalog: MetricCatalog, readiness: Readiness) =>
          new ProbeServer(catalog, readiness, config.metrics.port),
        inject: [MetricCatalog, Readiness],
      });
    }
    return {
      module: MetricsModule,
      global: true,
      imports: [DatabaseModule.forFeature([DatabaseHealthRepository])],
      providers,
      exports: [MetricCatalog, Readiness],
    };
  }
}

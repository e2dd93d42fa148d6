import type { Component } from '@meridian/runtime';
import { collectDefaultMetrics, Registry } from 'prom-client';

import { MetricCatalog } from './metric-catalog.js';

/**
 * The metrics of one process: a registry of its own (not prom-client's global one, so tests can
 * hold several), every series labelled with the process's component, prom-client's default process
 * and Node.js metrics (event-loop lag included) beside the catalog.
 */
export function createMetricCatalog(
  component: Component,
  options: {
    /** Whether to add prom-client's default metrics; unit tests leave them out. @defaultValue true */
    processMetrics?: boolean;
  } = {},
): MetricCatalog {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
  }
  return new MetricCatalog(registry);
}

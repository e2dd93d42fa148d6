import { loadConfig, type MeridianConfig } from '@meridian/config';

import { markTracingStarted } from './trace-context.js';

/** Which process is starting: names its spans' service (`meridian-<component>`). */
export type TracedComponent = 'api' | 'scheduler' | 'worker';

/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured, and does nothing otherwise: the
 * SDK and its instrumentations are imported only then. Call it from an app's entry point and import
 * the app itself afterwards (dynamically), so the instrumentations patch pg, ioredis, express and
 * http before anything loads them.
 *
 * It parses the configuration on its own: the app parses it again at boot, and a bad variable is
 * reported there, with every other one, rather than here.
 */
export async function startTracing(component: TracedComponent): Promise<void> {
  let tracing: MeridianConfig['tracing'];
  try {
    tracing = loadConfig().tracing;
  } catch {
    return;
  }
  if (tracing === null) {
    return;
  }
  const { registerTracing } = await import('./tracing-sdk.js');
  const flush = registerTracing({
    serviceName: tracing.serviceName ?? `meridian-${component}`,
    tracesUrl: tracing.tracesUrl,
    exportDelayMs: tracing.exportDelayMs,
  });
  markTracingStarted(flush);
}

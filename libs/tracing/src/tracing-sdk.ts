import { register } from 'node:module';

import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingSdkOptions {
  serviceName: string;
  /** OTLP/HTTP traces URL; spans are sent as JSON. */
  tracesUrl: string;
  /** How long finished spans are batched before export. */
  exportDelayMs: number;
}

/** Probes and scrapes are not worth a trace each. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Registers the SDK globally: context manager, W3C propagator, a tracer provider that batches spans
 * to the OTLP/HTTP exporter, and the instrumentations of http, express, pg, ioredis and pino. Every
 * option is passed from the validated configuration rather than read by the SDK from the environment.
 * Loaded only through {@link startTracing}, so a process without tracing never imports it.
 */
export function registerTracing(options: TracingSdkOptions): () => Promise<void> {
  // ESM modules are patched only through this loader hook (import-in-the-middle); CommonJS ones
  // through require, which the instrumentations hook themselves.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: options.tracesUrl }),
        scheduledDelayMillis: options.exportDelayMs,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      new ExpressInstrumentation(),
      // Only inside a trace: BullMQ's polling and the relay's idle passes would each start one.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // trace_id and span_id on every log line written inside a span; the logs stay on stdout.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  // The apps end with process.exit once their shutdown is done, which drops what is still batched:
  // what is batched so far goes as the shutdown begins, while the drain runs; the spans the drain
  // ends go with the flush the shutdown awaits before it exits (flushTracing).
  const flush = () => void provider.forceFlush().catch(() => undefined);
  process.once('SIGTERM', flush);
  process.once('SIGINT', flush);
  return () => provider.forceFlush();
}

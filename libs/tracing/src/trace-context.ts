import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/**
 * Whether {@link startTracing} started the SDK in this process. Every helper here checks it first,
 * so with tracing off the path of a job pays one boolean test: no span, no context, no propagation.
 */
let enabled = false;

/** Sends the spans the SDK still holds; set with the SDK. */
let flushSpans: (() => Promise<void>) | undefined;

/**
 * Called once the SDK is registered, with its flush; from then on the helpers below make spans.
 */
export function markTracingStarted(flush: () => Promise<void> = () => Promise.resolve()): void {
  enabled = true;
  flushSpans = flush;
}

/**
 * Sends the spans still batched, for a process about to exit once its drain is done: the spans of
 * the attempts that ended during the drain go out too. Waits at most `timeoutMs` (a collector out
 * of reach must not hold the exit); does nothing when tracing is off.
 */
export async function flushTracing(timeoutMs = 5000): Promise<void> {
  if (flushSpans === undefined) {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    flushSpans().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

const TRACER_NAME = 'meridian';

/** Writes `traceparent` (and `tracestate`) into a plain carrier. */
const recordSetter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};

function traceParentOf(span: Span): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, recordSetter);
  return carrier.traceparent ?? null;
}

function contextOf(traceParent: string | null | undefined) {
  return typeof traceParent === 'string'
    ? propagation.extract(ROOT_CONTEXT, { traceparent: traceParent })
    : ROOT_CONTEXT;
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * The W3C `traceparent` of the active span (an api request's, say), to store with what it creates;
 * null when tracing is off or no span is active.
 */
export function activeTraceParent(): string | null {
  if (!enabled) {
    return null;
  }
  const span = trace.getActiveSpan();
  return span === undefined ? null : traceParentOf(span);
}

/** Adds the active span's `traceparent` to an outgoing request's headers, unless the caller set one. */
export function injectTraceHeaders(headers: Headers): void {
  if (!enabled || headers.has('traceparent')) {
    return;
  }
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/**
 * Runs `work` inside a span that continues the trace of `traceParent` (a new trace when it is
 * absent), active for everything `work` awaits: its log lines, queries and outgoing requests.
 * `attributes` is called only with tracing on. With tracing off it is `work()`.
 */
export function inSpan<T>(
  name: string,
  traceParent: string | null | undefined,
  attributes: () => Attributes,
  work: () => Promise<T>,
): Promise<T> {
  if (!enabled) {
    return work();
  }
  const tracer = trace.getTracer(TRACER_NAME);
  const options = { kind: SpanKind.CONSUMER, attributes: attributes() };
  return tracer.startActiveSpan(name, options, contextOf(traceParent), async (span) => {
    try {
      return await work();
    } catch (error) {
      fail(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs one batch step (an enqueue of many executions) inside a span per traced item, each a child of
 * its item's own trace: `work` gets the items with their `traceParent` turned into their span's, so
 * the next hop continues from this one. Items without a trace get no span; with tracing off it is
 * `work(items)`.
 */
export async function inSpanPerItem<T extends { traceParent?: string | null }>(
  name: string,
  items: T[],
  attributesOf: (item: T) => Attributes,
  work: (items: T[]) => Promise<void>,
): Promise<void> {
  if (!enabled) {
    return work(items);
  }
  const tracer = trace.getTracer(TRACER_NAME);
  const spans: Span[] = [];
  const traced = items.map((item) => {
    if (typeof item.traceParent !== 'string') {
      return item;
    }
    const span = tracer.startSpan(
      name,
      { kind: SpanKind.PRODUCER, attributes: attributesOf(item) },
      contextOf(item.traceParent),
    );
    spans.push(span);
    return { ...item, traceParent: traceParentOf(span) };
  });
  try {
    await work(traced);
  } catch (error) {
    spans.forEach((span) => fail(span, error));
    throw error;
  } finally {
    spans.forEach((span) => span.end());
  }
}

/** Sets one attribute on the active span (one learnt after the span began); nothing with tracing off. */
export function setActiveSpanAttribute(key: string, value: string | number | boolean): void {
  if (enabled) {
    trace.getActiveSpan()?.setAttribute(key, value);
  }
}

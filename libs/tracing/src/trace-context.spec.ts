import { beforeAll, describe, expect, it } from '@jest/globals';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

import {
  activeTraceParent,
  injectTraceHeaders,
  inSpan,
  inSpanPerItem,
  markTracingStarted,
  setActiveSpanAttribute,
} from './trace-context.js';

const CREATE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const traceIdOf = (traceParent: string | null | undefined) => traceParent?.split('-')[1];
const spanIdOf = (traceParent: string | null | undefined) => traceParent?.split('-')[2];

/** Tests in order: tracing is off until the last describe starts it, as a process would. */
describe('tracing off', () => {
  it('should run the work as it is, without a traceparent anywhere', async () => {
    const items = [{ id: 1, traceParent: CREATE }];
    const seen: unknown[] = [];
    const headers = new Headers();

    await inSpanPerItem(
      'relay',
      items,
      () => ({}),
      (given) => Promise.resolve(void seen.push(given)),
    );
    injectTraceHeaders(headers);

    expect(
      await inSpan(
        'attempt',
        CREATE,
        () => ({}),
        () => Promise.resolve(activeTraceParent()),
      ),
    ).toBeNull();
    expect(seen).toEqual([items]);
    expect(seen[0]).toBe(items);
    expect(headers.has('traceparent')).toBe(false);
  });
});

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  /** The spans ended so far (the processor hands them over asynchronously). */
  const finished = async () => {
    await provider.forceFlush();
    return exporter.getFinishedSpans();
  };
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    markTracingStarted();
  });

  describe(inSpanPerItem.name, () => {
    it("should give each traced item its own span's traceparent, a child of its own trace", async () => {
      const items = [
        { id: 'a', traceParent: CREATE },
        { id: 'b', traceParent: null },
      ];
      let given: typeof items = [];

      await inSpanPerItem(
        'outbox relay enqueue',
        items,
        (item) => ({ 'meridian.execution_id': item.id }),
        (traced) => Promise.resolve(void (given = traced)),
      );

      expect(traceIdOf(given[0]?.traceParent)).toBe(traceIdOf(CREATE));
      expect(given[0]?.traceParent).not.toBe(CREATE);
      expect(given[1]).toBe(items[1]);
      const [span] = (await finished()).filter((s) => s.name === 'outbox relay enqueue');
      expect(span?.parentSpanContext?.spanId).toBe(spanIdOf(CREATE));
      expect(span?.spanContext().spanId).toBe(spanIdOf(given[0]?.traceParent));
      expect(span?.attributes).toEqual({ 'meridian.execution_id': 'a' });
    });
  });

  describe(inSpan.name, () => {
    it('should continue the given trace and be the active span of the work, headers included', async () => {
      const headers = new Headers();

      const inside = await inSpan(
        'execution attempt',
        CREATE,
        () => ({ 'meridian.handler': 'http' }),
        () => {
          setActiveSpanAttribute('meridian.attempt', 2);
          injectTraceHeaders(headers);
          return Promise.resolve(activeTraceParent());
        },
      );

      const span = (await finished()).find((s) => s.name === 'execution attempt');
      expect(traceIdOf(inside)).toBe(traceIdOf(CREATE));
      expect(spanIdOf(inside)).toBe(span?.spanContext().spanId);
      expect(headers.get('traceparent')).toBe(inside);
      expect(span?.attributes).toEqual({ 'meridian.handler': 'http', 'meridian.attempt': 2 });
    });

    it('should mark the span failed and rethrow when the work fails', async () => {
      await expect(
        inSpan(
          'failing',
          null,
          () => ({}),
          () => Promise.reject(new Error('boom')),
        ),
      ).rejects.toThrow('boom');

      expect((await finished()).find((s) => s.name === 'failing')?.status).toMatchObject({ code: 2 });
    });
  });

  describe(injectTraceHeaders.name, () => {
    it("should keep a traceparent the job's own headers set", async () => {
      const headers = new Headers({ traceparent: CREATE });

      await inSpan(
        'attempt',
        null,
        () => ({}),
        () => Promise.resolve(injectTraceHeaders(headers)),
      );

      expect(headers.get('traceparent')).toBe(CREATE);
    });
  });
});

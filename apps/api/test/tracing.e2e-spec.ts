import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type HttpTarget, startHttpTarget, useStack, waitFor } from '@meridian/testing';
import pg from 'pg';

/** One span as an OTLP/HTTP JSON export carries it, with the service that sent it. */
interface ExportedSpan {
  service: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
}

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        name: string;
        kind: number;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

/** OTLP JSON gives ids as hex; an exporter that followed protobuf's JSON mapping would send base64. */
const hexId = (id: string | undefined) =>
  id === undefined || id === '' || /^[0-9a-f]+$/i.test(id) ? (id ?? '') : Buffer.from(id, 'base64').toString('hex');

const attributesOf = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, Object.values(value)[0]]));

/** A collector's OTLP/HTTP traces endpoint, on loopback: keeps every span the processes export. */
async function startOtlpReceiver() {
  const spans: ExportedSpan[] = [];
  let exports = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      exports += 1;
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      expect(request.url).toBe('/v1/traces');
      expect(request.headers['content-type']).toContain('application/json');
      const payload = JSON.parse(body.toString('utf8')) as OtlpExport;
      for (const resourceSpans of payload.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const span of (resourceSpans.scopeSpans ?? []).flatMap((scope) => scope.spans ?? [])) {
          spans.push({
            service,
            name: span.name,
            kind: span.kind,
            traceId: hexId(span.traceId),
            spanId: hexId(span.spanId),
            parentSpanId: hexId(span.parentSpanId),
            attributes: attributesOf(span.attributes),
          });
        }
      }
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    exports: () => exports,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The traceparent stored with an execution. */
async function storedTraceParent(databaseUrl: string, executionId: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ trace_parent: string | null }>(
      'SELECT trace_parent FROM executions WHERE id = $1',
      [executionId],
    );
    return rows[0]?.trace_parent ?? null;
  } finally {
    await client.end();
  }
}

/** Kind of span, as OTLP numbers them. */
const SERVER = 2;

describe('traces across create, relay, worker and http handler', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let target: HttpTarget;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    target = await startHttpTarget(() => ({ status: 200 }));
  });
  const ctx = useStack(() => ({
    // Debug: the worker's lines of a successful attempt are debug lines.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'debug' },
  }));
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  it("should carry the create's trace to the http target, with the relay's and the worker's spans in it", async () => {
    const job = await ctx.api.createJob({ name: 'traced', handler: 'http', payload: { url: `${target.url}/traced` } });
    const run = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    const traceParent = String(target.on('/traced')[0]?.headers.traceparent ?? '');
    expect(traceParent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const traceId = traceParent.split('-')[1];
    expect(await storedTraceParent(ctx.stack.database.url, run.id)).toContain(`00-${traceId}-`);
    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
    const exported = (what: string, matches: (span: ExportedSpan) => boolean) =>
      waitFor(async () => Promise.resolve(inTrace().find(matches)), { timeoutMs: 10_000, what });
    const attempt = await exported('the attempt span', (span) => span.name === 'execution attempt');
    const post = await exported('the POST span', (span) => span.service === 'meridian-api' && span.kind === SERVER);
    const relay = await exported('the relay span', (span) => span.name === 'outbox relay enqueue');

    expect(post).toMatchObject({ attributes: expect.objectContaining({ 'http.request.method': 'POST' }) });
    expect(relay).toMatchObject({
      service: 'meridian-scheduler',
      attributes: expect.objectContaining({ 'meridian.execution_id': run.id }),
    });
    expect(attempt).toMatchObject({
      service: 'meridian-worker',
      parentSpanId: relay.spanId,
      attributes: expect.objectContaining({
        'meridian.execution_id': run.id,
        'meridian.job_id': job.id,
        'meridian.queue': 'default',
        'meridian.handler': 'http',
        'meridian.attempt': 1,
      }),
    });
  });

  it('should write the trace and span ids on the log lines of a traced create and attempt, beside their request and execution ids', async () => {
    const job = await ctx.api.createJob({ name: 'logged', handler: 'http', payload: { url: `${target.url}/logged` } });
    const run = await ctx.api.waitForExecution(job, 'SUCCEEDED');
    const traceId = String(target.on('/logged')[0]?.headers.traceparent ?? '').split('-')[1];

    const worker = ctx.stack.apps.worker?.output() ?? '';
    const lines = worker
      .split('\n')
      .filter((line) => line.includes(run.id))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.trace_id === traceId && typeof line.span_id === 'string')).toBe(true);
    const created = (ctx.stack.apps.api?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes(job.id) && line.includes('job created'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(created).toEqual([
      expect.objectContaining({ trace_id: traceId, req: expect.objectContaining({ id: expect.anything() }) }),
    ]);
  });
});

describe('with tracing off', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let target: HttpTarget;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    target = await startHttpTarget(() => ({ status: 200 }));
  });
  const ctx = useStack();
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  it('should send no traceparent, store none and export nothing', async () => {
    const job = await ctx.api.createJob({ name: 'untraced', handler: 'http', payload: { url: `${target.url}/plain` } });
    const run = await ctx.api.waitForExecution(job, 'SUCCEEDED');

    expect(target.on('/plain')[0]?.headers.traceparent).toBeUndefined();
    expect(await storedTraceParent(ctx.stack.database.url, run.id)).toBeNull();
    expect(receiver.exports()).toBe(0);
  });
});

describe('a worker drained with tracing on', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  // Spans are batched for ten minutes: only the flushes of the shutdown send anything in this test.
  const ctx = useStack(() => ({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '600000' },
  }));
  afterAll(async () => {
    await receiver.close();
  });

  it('should export the span of an attempt that ended during the drain before the worker exits', async () => {
    const job = await ctx.api.createJob({ name: 'drained', handler: 'sleep', payload: { ms: 1500 } });
    const run = await ctx.api.waitForExecution(job, 'RUNNING');

    // The attempt is under way: SIGTERM lets it finish (the drain), and the process then exits.
    expect(await ctx.stack.apps.worker?.stop('SIGTERM')).toBe(0);

    expect((await ctx.api.execution(run.id)).status).toBe('SUCCEEDED');
    expect(
      receiver.spans.filter(
        (span) => span.name === 'execution attempt' && span.attributes['meridian.execution_id'] === run.id,
      ),
    ).toEqual([expect.objectContaining({ service: 'meridian-worker' })]);
  });
});

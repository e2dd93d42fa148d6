import { defineHandler, type HandlerContext, HandlerError } from '@meridian/handler-sdk';
import { z } from 'zod';

import { type ForbiddenTargetError, forbiddenTargetIn, type HttpTargetPolicy } from './target-guard.js';

/** RFC 9110 token: the characters a header name may have. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** No line breaks or NUL: they would split or corrupt the request. */
const HEADER_VALUE = /^[^\r\n\0]*$/;

export const httpPayloadSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('POST'),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, 'must be a valid HTTP header name').max(256),
        z.string().regex(HEADER_VALUE, 'must not contain CR, LF or NUL').max(8192),
      )
      .default({}),
    /** JSON value sent as the request body (a string is sent as is). */
    body: z.json().optional(),
    /**
     * Adds the results of the jobs this one depends on to the body, as `parents` (by key); the body
     * must then be a JSON object, or absent.
     */
    includeParents: z.boolean().optional(),
  })
  .refine(
    (payload) =>
      payload.includeParents !== true ||
      payload.body === undefined ||
      (typeof payload.body === 'object' && payload.body !== null && !Array.isArray(payload.body)),
    { message: "must be a JSON object (or absent) to take the parents' results", path: ['body'] },
  );
export type HttpPayload = z.infer<typeof httpPayloadSchema>;

/** Adds a signature to an outgoing request. The seam for per-namespace HMAC signing. */
export interface HttpRequestSigner {
  sign(request: { namespace: string; body: string; timestamp: number }): Promise<Record<string, string>>;
}

export interface HttpHandlerOptions {
  /** Bytes of the response body kept as the result. @defaultValue 1_048_576 */
  maxResponseBytes: number;
  /** @defaultValue allows every target */
  targetPolicy?: HttpTargetPolicy;
  /** @defaultValue no signature */
  signer?: HttpRequestSigner;
}

/** Statuses worth retrying: server errors, and the two client errors that mean "try again later". */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Calls a URL; 2xx is success, 4xx (but 408/429) is final, anything else is retried. */
export function createHttpHandler(options: HttpHandlerOptions) {
  return defineHandler('http', httpPayloadSchema, async (payload, context) => {
    const url = new URL(payload.url);
    const body = encodeBody(payload, context.parents);
    const headers = new Headers(payload.headers);
    for (const [name, value] of Object.entries(meridianHeaders(context))) {
      headers.set(name, value);
    }
    if (!headers.has('user-agent')) {
      headers.set('user-agent', 'meridian-http-handler/1');
    }
    if (body !== undefined && !headers.has('content-type')) {
      headers.set(
        'content-type',
        typeof payload.body === 'string' && payload.includeParents !== true ? 'text/plain' : 'application/json',
      );
    }
    const signature =
      (await options.signer?.sign({ namespace: context.namespace, body: body ?? '', timestamp: Date.now() })) ?? {};
    for (const [name, value] of Object.entries(signature)) {
      headers.set(name, value);
    }
    const response = await follow(
      { url, method: payload.method, headers, body, signatureHeaders: Object.keys(signature) },
      context.signal,
      options.targetPolicy,
    );
    const text = await readCapped(response, options.maxResponseBytes);
    const result = { status: response.status, body: parseMaybeJson(text.body), truncated: text.truncated };
    if (response.status >= 200 && response.status < 300) {
      return result;
    }
    throw new HandlerError(`${payload.method} ${url.origin}${url.pathname} answered ${response.status}`, {
      retryable: isRetryableStatus(response.status),
      details: result,
    });
  });
}

/** Asks the policy about `url`; its refusal is final (a retry would be refused alike). */
async function assertTarget(policy: HttpTargetPolicy | undefined, url: URL): Promise<void> {
  try {
    await policy?.assertAllowed(url);
  } catch (error) {
    const forbidden = forbiddenTargetIn(error);
    throw forbidden === null ? error : refusedTarget(forbidden, url);
  }
}

function refusedTarget(forbidden: ForbiddenTargetError, url: URL): HandlerError {
  return new HandlerError(forbidden.message, {
    retryable: false,
    details: { reason: forbidden.code, url: url.href, address: forbidden.address },
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Redirects followed at most; one more is a failure. */
const MAX_REDIRECTS = 5;

interface OutgoingRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  signatureHeaders: string[];
}

/**
 * Sends the request and follows redirects itself, so the target policy judges every address the
 * request goes to, not only the first. A signature never travels to another origin; a 303 (and a
 * 301/302 answering a POST) continues as a GET without body, as browsers and fetch do.
 */
async function follow(request: OutgoingRequest, signal: AbortSignal, policy: HttpTargetPolicy | undefined) {
  let { url, method, body } = request;
  const headers = new Headers(request.headers);
  for (let hop = 0; ; hop += 1) {
    await assertTarget(policy, url);
    let response: Response;
    try {
      const init = { method, headers, body, signal, redirect: 'manual' as const };
      // `dispatcher` is undici's extension of fetch (Node's fetch is undici); the guard's Agent is one.
      response = await fetch(
        url,
        policy?.dispatcher === undefined ? init : ({ ...init, dispatcher: policy.dispatcher } as RequestInit),
      );
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason;
      }
      const forbidden = forbiddenTargetIn(error);
      if (forbidden !== null) {
        throw refusedTarget(forbidden, url);
      }
      throw new HandlerError(`request to ${url.origin} failed: ${describe(error)}`, { retryable: true, cause: error });
    }
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null) {
      return response;
    }
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) {
      throw new HandlerError(`more than ${MAX_REDIRECTS} redirects from ${request.url.origin}`, { retryable: false });
    }
    const next = new URL(location, url);
    if (next.origin !== url.origin) {
      request.signatureHeaders.forEach((name) => headers.delete(name));
    }
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers.delete('content-type');
    }
    url = next;
  }
}

function meridianHeaders(context: HandlerContext): Record<string, string> {
  return {
    'idempotency-key': context.idempotencyKey,
    'x-meridian-execution-id': context.executionId,
    'x-meridian-job-id': context.jobId,
    'x-meridian-attempt': String(context.attempt),
    'x-meridian-scheduled-for': context.scheduledFor.toISOString(),
  };
}

function encodeBody(payload: HttpPayload, parents: HandlerContext['parents']): string | undefined {
  if (payload.method === 'GET' || payload.method === 'HEAD') {
    return undefined;
  }
  if (payload.includeParents === true) {
    return JSON.stringify({ ...(payload.body as Record<string, unknown> | undefined), parents });
  }
  if (payload.body === undefined) {
    return undefined;
  }
  return typeof payload.body === 'string' ? payload.body : JSON.stringify(payload.body);
}

/** Reads at most `limit` bytes, so a huge or endless response cannot exhaust the worker's memory. */
async function readCapped(response: Response, limit: number): Promise<{ body: string; truncated: boolean }> {
  if (response.body === null) {
    return { body: '', truncated: false };
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated };
}

function parseMaybeJson(text: string): unknown {
  if (text === '') {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

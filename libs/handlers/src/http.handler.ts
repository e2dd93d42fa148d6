import {
  ATTEMPT_HEADER,
  defineHandler,
  EXECUTION_ID_HEADER,
  type HandlerContext,
  HandlerError,
} from '@meridian/handler-sdk';
import { injectTraceHeaders } from '@meridian/tracing';
import { z } from 'zod';

import {
  type ForbiddenTargetError,
  forbiddenTargetIn,
  type HttpTargetPolicies,
  type HttpTargetPolicy,
} from './target-guard.js';

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

/** What a signature covers: the request as it is sent, on whose behalf, and when (epoch ms). */
export interface RequestToSign {
  namespace: string;
  method: string;
  url: string;
  executionId: string;
  attempt: number;
  body: string;
  timestamp: number;
}

/** Adds a signature to an outgoing request. The seam for per-namespace HMAC signing. */
export interface HttpRequestSigner {
  sign(request: RequestToSign): Promise<Record<string, string>>;
}

export interface HttpHandlerOptions {
  /** Bytes of the response body kept as the result. @defaultValue 1_048_576 */
  maxResponseBytes: number;
  /** One policy for every request, or one per namespace. @defaultValue allows every target */
  targetPolicy?: HttpTargetPolicy | HttpTargetPolicies;
  /** @defaultValue no signature */
  signer?: HttpRequestSigner;
}

/**
 * The tenant's headers that must not travel to another origin, as fetch drops them on a redirect:
 * credentials meant for the first target would reach whoever it redirects to.
 */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

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
    // The target joins the execution's trace, unless the job names a traceparent of its own.
    injectTraceHeaders(headers);
    if (body !== undefined && !headers.has('content-type')) {
      headers.set(
        'content-type',
        typeof payload.body === 'string' && payload.includeParents !== true ? 'text/plain' : 'application/json',
      );
    }
    const { signer } = options;
    const sign =
      signer === undefined
        ? undefined
        : (hop: { url: URL; method: string; body: string | undefined }) =>
            signer.sign({
              namespace: context.namespace,
              method: hop.method,
              url: hop.url.href,
              executionId: context.executionId,
              attempt: context.attempt,
              body: hop.body ?? '',
              timestamp: Date.now(),
            });
    const policy = await policyFor(options.targetPolicy, context.namespace);
    const response = await follow({ url, method: payload.method, headers, body }, context, policy, sign);
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

function policyFor(
  policy: HttpTargetPolicy | HttpTargetPolicies | undefined,
  namespace: string,
): Promise<HttpTargetPolicy | undefined> | HttpTargetPolicy | undefined {
  return policy !== undefined && 'forNamespace' in policy ? policy.forNamespace(namespace) : policy;
}

/** Asks the policy about `url`; its refusal is final (a retry would be refused alike). */
async function assertTarget(policy: HttpTargetPolicy | undefined, url: URL, context: HandlerContext): Promise<void> {
  try {
    await policy?.assertAllowed(url);
  } catch (error) {
    const forbidden = forbiddenTargetIn(error);
    throw forbidden === null ? error : refusedTarget(forbidden, url, context);
  }
}

/**
 * The refusal as the tenant reads it, without the address the host resolved to (a tenant could
 * otherwise map internal names to addresses); the operator's log keeps the address and the deny
 * table's entry.
 */
function refusedTarget(forbidden: ForbiddenTargetError, url: URL, context: HandlerContext): HandlerError {
  context.log.warn('http target refused', {
    host: forbidden.host,
    address: forbidden.address,
    deniedRange: forbidden.range?.cidr ?? null,
    deniedBecause: forbidden.range?.reason ?? null,
  });
  return new HandlerError('refused: not a public address', {
    retryable: false,
    details: { reason: forbidden.code, url: url.href },
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
}

type Sign = (hop: { url: URL; method: string; body: string | undefined }) => Promise<Record<string, string>>;

/**
 * Sends the request and follows redirects itself, so the target policy judges every address the
 * request goes to, not only the first. Each hop on the first origin is signed for its own URL,
 * method and body; once a redirect leaves that origin, neither a signature nor the tenant's
 * credentials travel on, as fetch drops them. A 303 (and a 301/302 answering a POST) continues as a
 * GET without body, as browsers and fetch do.
 */
async function follow(
  request: OutgoingRequest,
  context: HandlerContext,
  policy: HttpTargetPolicy | undefined,
  sign: Sign | undefined,
) {
  const { signal } = context;
  let { url, method, body } = request;
  const headers = new Headers(request.headers);
  let signatureHeaders: string[] = [];
  let onFirstOrigin = true;
  for (let hop = 0; ; hop += 1) {
    await assertTarget(policy, url, context);
    if (sign !== undefined && onFirstOrigin) {
      const signature = await sign({ url, method, body });
      signatureHeaders.forEach((name) => headers.delete(name));
      signatureHeaders = Object.keys(signature);
      for (const [name, value] of Object.entries(signature)) {
        headers.set(name, value);
      }
    }
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
        throw refusedTarget(forbidden, url, context);
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
      onFirstOrigin = false;
      [...signatureHeaders, ...CREDENTIAL_HEADERS].forEach((name) => headers.delete(name));
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
    // The v2 signature covers these two: a receiver reads them to rebuild what was signed.
    [EXECUTION_ID_HEADER]: context.executionId,
    'x-meridian-job-id': context.jobId,
    [ATTEMPT_HEADER]: String(context.attempt),
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

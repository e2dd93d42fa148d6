import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The header of a signed request: `t=<unix seconds>,v1=<hex HMAC-SHA256>,v2=<hex HMAC-SHA256>`. `v1`
 * signs `<t>.<body>`; `v2` signs the request as well (see {@link signingStringV2}), so a signed
 * request cannot be replayed to another URL, with another method, or as another execution or attempt.
 */
export const SIGNATURE_HEADER = 'Meridian-Signature';

/** The headers that carry what `v2` signs besides the body and the URL. */
export const EXECUTION_ID_HEADER = 'X-Meridian-Execution-Id';
export const ATTEMPT_HEADER = 'X-Meridian-Attempt';

/** How far a signature's time may lie from the receiver's clock by default: 5 minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** What a `v2` signature covers besides the time and the body. */
export interface SignedRequest {
  /** The HTTP method, upper case. */
  method: string;
  /** The absolute URL the request was sent to (a fragment is ignored). */
  url: string;
  /** The `X-Meridian-Execution-Id` header. */
  executionId: string;
  /** The `X-Meridian-Attempt` header. */
  attempt: number | string;
}

/**
 * The string `v2` signs, one field a line: `<t>\n<METHOD>\n<url>\n<execution id>\n<attempt>\n<body>`.
 * The URL is in its WHATWG serialization without fragment (scheme and host lower case, no default
 * port), which holds no line break; the body comes last, so it may hold anything.
 */
export function signingStringV2(timestampSeconds: number, request: SignedRequest, body: string): string {
  const url = new URL(request.url);
  url.hash = '';
  return [
    Math.floor(timestampSeconds),
    request.method.toUpperCase(),
    url.href,
    request.executionId,
    String(request.attempt),
    body,
  ].join('\n');
}

/**
 * The `Meridian-Signature` value for `body` sent at `timestampSeconds`, signed with `secret`: `v1`
 * always, and `v2` when the request it is sent with is given.
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number, request?: SignedRequest): string {
  const t = Math.floor(timestampSeconds);
  const v1 = `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
  return request === undefined ? v1 : `${v1},v2=${hmac(secret, signingStringV2(t, request, body))}`;
}

export type SignatureCheck =
  { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'mismatch' | 'expired' };

/** How {@link verifyWebhook} checks a signature. */
export interface VerifyOptions {
  /** How far the signature's time may lie from `nowSeconds`. @defaultValue 300 */
  toleranceSeconds?: number;
  /** The receiver's clock, in Unix seconds. @defaultValue the current time */
  nowSeconds?: number;
  /**
   * The request as received: with it, the `v2` signature is checked, and a request without one is
   * refused (as a replay stripped of it would be); without it, only `v1`, which does not tell one
   * URL from another. The execution id and attempt are the request's `X-Meridian-Execution-Id` and
   * `X-Meridian-Attempt` headers; the URL is the receiver's own public URL with the request's path
   * and query (Node's header values may be given as they are; a repeated header is malformed).
   * @defaultValue checks `v1`
   */
  request?: {
    method: string;
    url: string;
    executionId: string | string[] | undefined;
    attempt: number | string | string[] | undefined;
  };
}

/**
 * Checks a request Meridian sent: the `Meridian-Signature` header against the raw body, as received
 * (before any JSON parsing), and the namespace's webhook secret. A signature older or newer than
 * `toleranceSeconds` is refused even when it matches, so a recorded request cannot be replayed later;
 * with `request`, a signature for another URL, method, execution or attempt is refused too.
 *
 * ```ts
 * const check = verifyWebhook(process.env.MERIDIAN_WEBHOOK_SECRET, req.headers['meridian-signature'], rawBody, {
 *   request: {
 *     method: req.method,
 *     url: `https://hooks.example.com${req.url}`,
 *     executionId: req.headers['x-meridian-execution-id'],
 *     attempt: req.headers['x-meridian-attempt'],
 *   },
 * });
 * if (!check.valid) return res.status(401).end();
 * ```
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  options: VerifyOptions = {},
): SignatureCheck {
  const fields = new Map<string, string[]>();
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name !== undefined && value !== undefined && value !== '') {
      fields.set(name, [...(fields.get(name) ?? []), value]);
    }
  }
  const timestamp = Number(fields.get('t')?.[0]);
  const { request } = options;
  const signatures = fields.get(request === undefined ? 'v1' : 'v2') ?? [];
  if (!Number.isInteger(timestamp) || signatures.length === 0) {
    return { valid: false, reason: 'malformed' };
  }
  let signed: string;
  if (request === undefined) {
    signed = `${timestamp}.${body}`;
  } else {
    const { executionId, attempt } = request;
    if (
      typeof executionId !== 'string' ||
      (typeof attempt !== 'string' && typeof attempt !== 'number') ||
      !URL.canParse(request.url)
    ) {
      return { valid: false, reason: 'malformed' };
    }
    signed = signingStringV2(timestamp, { ...request, executionId, attempt }, body);
  }
  const expected = Buffer.from(hmac(secret, signed), 'hex');
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) {
    return { valid: false, reason: 'mismatch' };
  }
  const now = options.nowSeconds ?? Date.now() / 1000;
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS)) {
    return { valid: false, reason: 'expired' };
  }
  return { valid: true, timestamp };
}

function hmac(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

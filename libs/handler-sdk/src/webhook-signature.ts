import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header of a signed request: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'Meridian-Signature';

/** How far a signature's time may lie from the receiver's clock by default: 5 minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The `Meridian-Signature` value for `body` sent at `timestampSeconds`, signed with `secret`. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds);
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
}

export type SignatureCheck =
  { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'mismatch' | 'expired' };

/**
 * Checks a request Meridian sent: the `Meridian-Signature` header against the raw body, as received
 * (before any JSON parsing), and the namespace's webhook secret. A signature older or newer than
 * `toleranceSeconds` is refused even when it matches, so a recorded request cannot be replayed later.
 *
 * ```ts
 * const check = verifyWebhook(process.env.MERIDIAN_WEBHOOK_SECRET, req.headers['meridian-signature'], rawBody);
 * if (!check.valid) return res.status(401).end();
 * ```
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): SignatureCheck {
  const fields = new Map<string, string[]>();
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name !== undefined && value !== undefined && value !== '') {
      fields.set(name, [...(fields.get(name) ?? []), value]);
    }
  }
  const timestamp = Number(fields.get('t')?.[0]);
  const signatures = fields.get('v1') ?? [];
  if (!Number.isInteger(timestamp) || signatures.length === 0) {
    return { valid: false, reason: 'malformed' };
  }
  const expected = Buffer.from(hmac(secret, `${timestamp}.${body}`), 'hex');
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

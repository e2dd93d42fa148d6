import { randomBytes } from 'node:crypto';

export const DEFAULT_NAMESPACE = 'default';

/** A new secret for signing a namespace's outgoing http requests: 256 random bits. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

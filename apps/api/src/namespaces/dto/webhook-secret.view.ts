import { SIGNATURE_HEADER } from '@meridian/handler-sdk';
import { z } from 'zod';

export const webhookSecretViewSchema = z.object({
  namespace: z.string(),
  secret: z.string().describe('HMAC-SHA256 key of the signatures on outgoing http requests'),
  header: z.literal(SIGNATURE_HEADER).describe('t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">'),
});
export type WebhookSecretView = z.infer<typeof webhookSecretViewSchema>;

export function toWebhookSecretView(namespace: string, secret: string): WebhookSecretView {
  return { namespace, secret, header: SIGNATURE_HEADER };
}

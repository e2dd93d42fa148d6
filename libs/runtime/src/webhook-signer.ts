import type { NamespaceRepository } from '@meridian/db';
import { SIGNATURE_HEADER, signWebhook } from '@meridian/handler-sdk';
import type { HttpRequestSigner } from '@meridian/handlers';

/** How long a worker keeps a namespace's secret before reading it again: a rotation's delay. */
const SECRET_TTL_MS = 30_000;

/**
 * Signs every request of the http handler with its namespace's webhook secret (HMAC-SHA256 of
 * `<unix seconds>.<body>`, in the `Meridian-Signature` header), so a receiver can tell Meridian's
 * requests from forged ones and refuse old ones replayed. Receivers check it with `verifyWebhook`.
 */
export class WebhookSigner implements HttpRequestSigner {
  private readonly secrets = new Map<string, { secret: Promise<string>; until: number }>();

  constructor(private readonly namespaces: NamespaceRepository) {}

  async sign(request: { namespace: string; body: string; timestamp: number }): Promise<Record<string, string>> {
    const secret = await this.secretOf(request.namespace, request.timestamp);
    return { [SIGNATURE_HEADER]: signWebhook(secret, request.body, request.timestamp / 1000) };
  }

  private secretOf(namespace: string, now: number): Promise<string> {
    const cached = this.secrets.get(namespace);
    if (cached !== undefined && cached.until > now) {
      return cached.secret;
    }
    const secret = this.namespaces.webhookSecret(namespace);
    this.secrets.set(namespace, { secret, until: now + SECRET_TTL_MS });
    secret.catch(() => this.secrets.delete(namespace));
    return secret;
  }
}

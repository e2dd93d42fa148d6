import { SIGNATURE_HEADER, signWebhook } from '@meridian/handler-sdk';

import type { HttpRequestSigner, RequestToSign } from './http.handler.js';
import type { NamespaceHttpSettings } from './namespace-http-settings.js';

/**
 * Signs every request of the http handler with its namespace's webhook secret, in the
 * `Meridian-Signature` header: `v1` over `<unix seconds>.<body>`, and `v2` over the method, URL,
 * execution id and attempt as well, so a receiver can tell Meridian's requests from forged ones and
 * refuse one replayed later or to another endpoint. Receivers check it with `verifyWebhook`. Both are
 * sent, so receivers that check only `v1` go on working.
 */
export class WebhookSigner implements HttpRequestSigner {
  constructor(private readonly settings: NamespaceHttpSettings) {}

  async sign(request: RequestToSign): Promise<Record<string, string>> {
    const { webhookSecret } = await this.settings.of(request.namespace, request.timestamp);
    return { [SIGNATURE_HEADER]: signWebhook(webhookSecret, request.body, request.timestamp / 1000, request) };
  }
}

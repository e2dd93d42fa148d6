import { describe, expect, it } from '@jest/globals';
import { SIGNATURE_HEADER, verifyWebhook } from '@meridian/handler-sdk';

import type { RequestToSign } from './http.handler.js';
import type { NamespaceHttpSettings } from './namespace-http-settings.js';
import { WebhookSigner } from './webhook-signer.js';

const secrets: Record<string, string> = { acme: 'whsec_acme', globex: 'whsec_globex' };
const settings = {
  of: (namespace: string) => Promise.resolve({ webhookSecret: secrets[namespace] ?? '', httpAllowedTargets: [] }),
} as unknown as NamespaceHttpSettings;

const request: RequestToSign = {
  namespace: 'acme',
  method: 'POST',
  url: 'https://hooks.example.com/meridian',
  executionId: 'exec-1',
  attempt: 2,
  body: '{"hello":"world"}',
  timestamp: 1_767_225_600_000,
};
const asReceived = { method: 'POST', url: 'https://hooks.example.com/meridian', executionId: 'exec-1', attempt: '2' };

describe(WebhookSigner.name, () => {
  it('should sign a request so that its receiver verifies it with the namespace secret', async () => {
    const sut = new WebhookSigner(settings);

    const headers = await sut.sign(request);

    expect(
      verifyWebhook('whsec_acme', headers[SIGNATURE_HEADER], request.body, {
        nowSeconds: request.timestamp / 1000,
        request: asReceived,
      }),
    ).toEqual({ valid: true, timestamp: request.timestamp / 1000 });
  });

  it('should sign with the secret of the request namespace, not another', async () => {
    const sut = new WebhookSigner(settings);

    const headers = await sut.sign(request);

    expect(
      verifyWebhook('whsec_globex', headers[SIGNATURE_HEADER], request.body, {
        nowSeconds: request.timestamp / 1000,
        request: asReceived,
      }),
    ).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('should sign the URL, so the same request replayed to another endpoint is refused', async () => {
    const sut = new WebhookSigner(settings);

    const headers = await sut.sign(request);

    expect(
      verifyWebhook('whsec_acme', headers[SIGNATURE_HEADER], request.body, {
        nowSeconds: request.timestamp / 1000,
        request: { ...asReceived, url: 'https://hooks.example.com/elsewhere' },
      }),
    ).toEqual({ valid: false, reason: 'mismatch' });
  });
});

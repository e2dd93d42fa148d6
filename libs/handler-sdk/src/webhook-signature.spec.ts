import { createHmac } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { signingStringV2, signWebhook, verifyWebhook } from './webhook-signature.js';

const secret = 'whsec_test_0123456789';
const body = '{"invoice":42}';
const sentAt = 1_780_000_000;

describe('webhook signatures', () => {
  it('should verify what was signed, with its time', () => {
    const header = signWebhook(secret, body, sentAt);

    expect(header).toMatch(/^t=1780000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt + 10 })).toEqual({
      valid: true,
      timestamp: sentAt,
    });
  });

  it.each([
    ['another body', signWebhook(secret, body, sentAt), '{"invoice":43}'],
    ['another secret', signWebhook('whsec_other', body, sentAt), body],
    ['another time in the header', signWebhook(secret, body, sentAt).replace(`t=${sentAt}`, `t=${sentAt + 1}`), body],
  ])('should refuse a signature for %s', (_case, header, received) => {
    expect(verifyWebhook(secret, header, received, { nowSeconds: sentAt })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('should refuse a matching signature outside the tolerance, so a recorded request cannot be replayed', () => {
    const header = signWebhook(secret, body, sentAt);

    expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt + 301 })).toEqual({
      valid: false,
      reason: 'expired',
    });
    expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt + 3600, toleranceSeconds: 7200 }).valid).toBe(true);
  });

  it('should accept any of several v1 signatures (a secret being rotated)', () => {
    const old = signWebhook('whsec_old', body, sentAt).split(',')[1];
    const header = `${signWebhook(secret, body, sentAt)},${old}`;

    expect(verifyWebhook('whsec_old', header, body, { nowSeconds: sentAt }).valid).toBe(true);
  });

  it.each([undefined, '', 'v1=abc', 't=now,v1=abc', `t=${sentAt}`])('should call %j malformed', (header) => {
    expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt })).toEqual({ valid: false, reason: 'malformed' });
  });

  describe('v2, which signs the request too', () => {
    const request = {
      method: 'POST',
      url: 'https://hooks.example.com/invoices?tenant=7',
      executionId: '01930000-0000-7000-8000-00000000000e',
      attempt: '2',
    };
    const header = signWebhook(secret, body, sentAt, request);

    it('should carry v1 and v2 together, so receivers that check only v1 go on working', () => {
      expect(header).toMatch(/^t=1780000000,v1=[0-9a-f]{64},v2=[0-9a-f]{64}$/);
      expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt }).valid).toBe(true);
    });

    it('should verify the request it was signed for', () => {
      expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt, request })).toEqual({
        valid: true,
        timestamp: sentAt,
      });
      expect(
        verifyWebhook(secret, header, body, {
          nowSeconds: sentAt,
          request: { ...request, url: 'https://HOOKS.example.com:443/invoices?tenant=7#part', attempt: 2 },
        }).valid,
      ).toBe(true);
    });

    it.each([
      ['another URL', { url: 'https://hooks.example.com/refunds?tenant=7' }],
      ['another host', { url: 'https://other.example.com/invoices?tenant=7' }],
      ['another query', { url: 'https://hooks.example.com/invoices?tenant=8' }],
      ['another method', { method: 'PUT' }],
      ['another execution', { executionId: '01930000-0000-7000-8000-00000000000f' }],
      ['another attempt', { attempt: '3' }],
    ])('should refuse the request replayed to %s', (_case, change) => {
      expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt, request: { ...request, ...change } })).toEqual({
        valid: false,
        reason: 'mismatch',
      });
    });

    it('should refuse a request stripped of its v2 signature, when the request is checked', () => {
      const v1Only = header.replace(/,v2=[0-9a-f]+$/, '');

      expect(verifyWebhook(secret, v1Only, body, { nowSeconds: sentAt, request })).toEqual({
        valid: false,
        reason: 'malformed',
      });
    });

    it.each([
      ['no execution id', { executionId: undefined }],
      ['a repeated attempt header', { attempt: ['2', '3'] }],
      ['a URL that is not one', { url: '/invoices' }],
    ])('should call a request with %s malformed', (_case, change) => {
      expect(verifyWebhook(secret, header, body, { nowSeconds: sentAt, request: { ...request, ...change } })).toEqual({
        valid: false,
        reason: 'malformed',
      });
    });

    it('should sign the documented string, which a receiver in any language can rebuild', () => {
      expect(signingStringV2(sentAt, request, body)).toBe(
        `1780000000\nPOST\nhttps://hooks.example.com/invoices?tenant=7\n${request.executionId}\n2\n{"invoice":42}`,
      );
      const v2 = createHmac('sha256', secret)
        .update(signingStringV2(sentAt, request, body))
        .digest('hex');
      expect(header.endsWith(`,v2=${v2}`)).toBe(true);
    });
  });
});

import { describe, expect, it } from '@jest/globals';

import { signWebhook, verifyWebhook } from './webhook-signature.js';

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
});

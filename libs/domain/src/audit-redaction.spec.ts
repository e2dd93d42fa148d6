import { describe, expect, it } from '@jest/globals';

import { redactAuditTarget, REDACTED } from './audit-redaction.js';

describe(redactAuditTarget.name, () => {
  it("should replace the value of every header of a job's payload, keeping the header names", () => {
    const job = {
      id: 'j',
      handler: 'http',
      payload: { url: 'https://example.com', headers: { Authorization: 'Bearer s3cret', 'X-Api-Key': 'k' } },
    };

    expect(redactAuditTarget(job)).toEqual({
      id: 'j',
      handler: 'http',
      payload: { url: 'https://example.com', headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED } },
    });
    expect(job.payload.headers.Authorization).toBe('Bearer s3cret');
  });

  it('should find the payloads of jobs nested in a target, in objects and in lists', () => {
    const target = { jobs: [{ payload: { headers: { Cookie: 'a=b' } } }], job: { payload: { headers: { A: 'b' } } } };

    expect(redactAuditTarget(target)).toEqual({
      jobs: [{ payload: { headers: { Cookie: REDACTED } } }],
      job: { payload: { headers: { A: REDACTED } } },
    });
  });

  it('should leave alone payloads without headers, and what is not a payload', () => {
    const target = { payload: { body: 'x', nested: { headers: { A: 'kept' } } }, headers: { B: 'kept' }, n: 1 };

    expect(redactAuditTarget(target)).toEqual(target);
    expect(redactAuditTarget(null)).toBeNull();
    expect(redactAuditTarget({ payload: ['a'] })).toEqual({ payload: ['a'] });
  });

  it('should drop the secrets of a target: a key shown once, the webhook secret', () => {
    expect(redactAuditTarget({ id: 'k', name: 'ci', key: 'mk_…' })).toEqual({ id: 'k', name: 'ci' });
    expect(redactAuditTarget({ namespace: 'n', secret: 's', header: 'h' })).toEqual({ namespace: 'n', header: 'h' });
  });
});

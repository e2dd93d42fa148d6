import { describe, expect, it } from '@jest/globals';

import { capStoredError, capStoredOutput } from './stored-output.js';

describe('stored output', () => {
  it('should keep a value that fits and replace a larger one with a note of its size', () => {
    expect(capStoredOutput({ ok: true }, 100)).toEqual({ ok: true });
    expect(capStoredOutput(undefined, 100)).toBeNull();
    expect(capStoredOutput('x'.repeat(100), 50)).toEqual({ truncated: true, sizeBytes: 102, limitBytes: 50 });
  });

  it('should cap the details of an error as a result is capped, keeping its code and message', () => {
    const error = {
      code: 'handler_failed',
      message: 'POST https://a.example/ answered 500',
      details: { body: 'y'.repeat(1000) },
    };

    expect(capStoredError(error, 200)).toEqual({
      code: 'handler_failed',
      message: 'POST https://a.example/ answered 500',
      details: { truncated: true, sizeBytes: 1011, limitBytes: 200 },
    });
    expect(capStoredError({ code: 'c', message: 'm', details: { status: 503 } }, 200)).toEqual({
      code: 'c',
      message: 'm',
      details: { status: 503 },
    });
  });

  it('should cut a message over the cap on a character boundary and say how long it was', () => {
    const capped = capStoredError({ code: 'handler_failed', message: 'é'.repeat(100) }, 51);

    expect(capped.message).toBe(`${'é'.repeat(25)}… [truncated: 200 bytes, limit 51]`);
  });
});

import { Writable } from 'node:stream';

import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';

import { REDACTED, REDACTED_LOG_PATHS } from './log-redaction.js';

const SECRET = 'mk_0193_s3cr3t-value-that-must-not-be-logged';

function capture(): { logger: pino.Logger; output: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { logger: pino({ redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED } }, sink), output: () => text };
}

describe('log redaction', () => {
  it.each(['authorization', 'x-api-key', 'cookie', 'proxy-authorization', 'set-cookie'])(
    'should blank the %s header of a logged request or response',
    (header) => {
      const { logger, output } = capture();

      logger.info({ req: { method: 'GET', headers: { [header]: SECRET, accept: 'application/json' } } }, 'request');
      logger.info({ res: { statusCode: 200, headers: { [header]: SECRET } } }, 'response');
      logger.info({ err: { message: 'failed', request: { headers: { [header]: SECRET } } } }, 'failed');

      expect(output()).not.toContain(SECRET);
      expect(output()).toContain(REDACTED);
      expect(output()).toContain('"statusCode":200');
    },
  );

  it.each(['payload', 'job.payload', 'data.payload', 'dispatch.payload', 'spec.payload'])(
    'should blank the headers of an http payload logged as %s, keeping the rest',
    (holder) => {
      const { logger, output } = capture();
      const payload = { url: 'https://example.com/hook', headers: { 'x-tenant-token': SECRET } };
      const logged = holder
        .split('.')
        .reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), payload);

      logger.info(logged, 'job');

      expect(output()).not.toContain(SECRET);
      expect(output()).toContain('https://example.com/hook');
    },
  );
});

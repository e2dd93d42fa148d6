import { describe, expect, it } from '@jest/globals';

import { apiConnectionOf, apiUrlOf, DEFAULT_API_URL } from './api-connection.js';
import { ExitCode } from './exit-codes.js';

describe(apiConnectionOf.name, () => {
  const env = { MERIDIAN_URL: 'http://meridian.internal:3000', MERIDIAN_API_KEY: 'mk_env' };

  it('should take the URL and the key from the environment', () => {
    expect(apiConnectionOf({}, env)).toEqual({ url: 'http://meridian.internal:3000', apiKey: 'mk_env' });
  });

  it('should let --url and --api-key override the environment', () => {
    expect(apiConnectionOf({ url: 'https://meridian.example.com/', apiKey: 'mk_flag' }, env)).toEqual({
      url: 'https://meridian.example.com',
      apiKey: 'mk_flag',
    });
  });

  it('should default to the local API', () => {
    expect(apiUrlOf({}, {})).toBe(DEFAULT_API_URL);
  });

  it('should exit 5 saying how to set a key when there is none', () => {
    expect(() => apiConnectionOf({}, { MERIDIAN_API_KEY: ' ' })).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.Auth,
        lines: [expect.stringMatching(/^no API key: set MERIDIAN_API_KEY .* or pass --api-key/)],
      }),
    );
  });

  it('should be a usage error when the URL is not an http(s) URL', () => {
    expect(() => apiUrlOf({ url: 'localhost:3000' }, {})).toThrow(
      expect.objectContaining({ exitCode: ExitCode.Usage }),
    );
    expect(() => apiUrlOf({ url: 'not a url' }, {})).toThrow(expect.objectContaining({ exitCode: ExitCode.Usage }));
  });
});

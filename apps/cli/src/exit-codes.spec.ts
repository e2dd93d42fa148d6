import { describe, expect, it } from '@jest/globals';

import { EXIT_CODE_HELP, ExitCode, exitCodeForStatus } from './exit-codes.js';

describe(exitCodeForStatus.name, () => {
  it.each([
    [400, ExitCode.Refused],
    [413, ExitCode.Refused],
    [415, ExitCode.Refused],
    [422, ExitCode.Refused],
    [405, ExitCode.Refused],
    [401, ExitCode.Auth],
    [403, ExitCode.Auth],
    [404, ExitCode.NotFound],
    [409, ExitCode.Conflict],
    [429, ExitCode.Unavailable],
    [500, ExitCode.Unavailable],
    [503, ExitCode.Unavailable],
  ])('should map a %p answer to exit %p', (status, exitCode) => {
    expect(exitCodeForStatus(status)).toBe(exitCode);
  });
});

describe('EXIT_CODE_HELP', () => {
  it('should explain every exit code once, in order', () => {
    expect(EXIT_CODE_HELP.map(([code]) => code)).toEqual(Object.values(ExitCode).sort((left, right) => left - right));
  });
});

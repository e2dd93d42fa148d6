import { describe, expect, it } from '@jest/globals';
import { MeridianApiError, MeridianNetworkError, WaitTimeoutError } from '@meridian/client';
import { CommanderError } from 'commander';

import { CliError } from './cli-error.js';
import { cliErrorOf } from './error-report.js';
import { ExitCode } from './exit-codes.js';

const apiUrl = 'http://meridian.test:3000';

describe(cliErrorOf.name, () => {
  it('should tell a problem on one line: status, title, code and detail, with the exit code of its status', () => {
    const error = new MeridianApiError(404, {
      type: '/problems/job-not-found',
      title: 'Job not found',
      status: 404,
      detail: 'Job 42 does not exist.',
      code: 'job_not_found',
    });

    expect(cliErrorOf(error, apiUrl)).toMatchObject({
      exitCode: ExitCode.NotFound,
      lines: ['404 Job not found (job_not_found): Job 42 does not exist.'],
    });
  });

  it('should name each refused field of a validation problem', () => {
    const error = new MeridianApiError(400, {
      type: '/problems/validation-failed',
      title: 'Validation failed',
      status: 400,
      detail: 'The request is not valid.',
      code: 'validation_failed',
      errors: [
        { path: 'name', message: 'Required', code: 'invalid_type' },
        { path: 'retry.maxAttempts', message: 'Too big', code: 'too_big' },
      ],
    });

    expect(cliErrorOf(error, apiUrl)).toMatchObject({
      exitCode: ExitCode.Refused,
      lines: [
        '400 Validation failed (validation_failed): The request is not valid. name: Required; retry.maxAttempts: Too big',
      ],
    });
  });

  it('should keep the status of an answer that holds no problem (a proxy page)', () => {
    const error = new MeridianApiError(502, '<html>Bad Gateway</html>', `${apiUrl}/v1/jobs`);

    expect(cliErrorOf(error, apiUrl)).toMatchObject({
      exitCode: ExitCode.Unavailable,
      lines: [expect.stringMatching(/^502 answered without a problem body/)],
    });
  });

  it('should exit 6 naming the API it could not reach', () => {
    const error = new MeridianNetworkError(
      `${apiUrl}/v1/jobs`,
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
    );

    expect(cliErrorOf(error, apiUrl)).toMatchObject({
      exitCode: ExitCode.Unavailable,
      lines: [
        `could not reach ${apiUrl}/v1/jobs: connect ECONNREFUSED: is the Meridian API running at ${apiUrl}? ` +
          'Set MERIDIAN_URL or pass --url.',
      ],
    });
  });

  it('should exit 7 when a wait ran out of time', () => {
    const error = new WaitTimeoutError('execution 42', 1000, undefined);

    expect(cliErrorOf(error, apiUrl)).toMatchObject({
      exitCode: ExitCode.ExecutionFailed,
      lines: ['execution 42 did not end within 1000 ms: it had not started'],
    });
  });

  it('should end --help with 0 and a usage error with 2, adding nothing to what commander printed', () => {
    expect(cliErrorOf(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), apiUrl)).toMatchObject({
      exitCode: ExitCode.Ok,
      lines: [],
    });
    expect(cliErrorOf(new CommanderError(1, 'commander.unknownOption', 'unknown'), apiUrl)).toMatchObject({
      exitCode: ExitCode.Usage,
      lines: [],
    });
  });

  it('should pass a CliError through as it is', () => {
    const error = new CliError(ExitCode.Auth, ['no API key']);

    expect(cliErrorOf(error, apiUrl)).toBe(error);
  });
});

import { MeridianApiError, MeridianNetworkError, WaitTimeoutError } from '@meridian/client';
import { CommanderError } from 'commander';

import { CliError } from './cli-error.js';
import { ExitCode, exitCodeForStatus } from './exit-codes.js';

/**
 * What any failure of a command tells its user: one line for stderr (no stack trace) and the exit
 * status a script branches on. `apiUrl` is the API the command spoke to, named when it could not
 * be reached.
 */
export function cliErrorOf(error: unknown, apiUrl: string): CliError {
  if (error instanceof CliError) {
    return error;
  }
  if (error instanceof MeridianApiError) {
    return new CliError(exitCodeForStatus(error.status), [describeApiError(error)]);
  }
  if (error instanceof MeridianNetworkError) {
    return new CliError(ExitCode.Unavailable, [
      `${error.message}: is the Meridian API running at ${apiUrl}? Set MERIDIAN_URL or pass --url.`,
    ]);
  }
  if (error instanceof WaitTimeoutError) {
    return new CliError(ExitCode.ExecutionFailed, [error.message]);
  }
  if (error instanceof CommanderError) {
    // Commander has printed its message already; --help and --version end with 0.
    return new CliError(error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage, []);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(ExitCode.Refused, [`unexpected error: ${message}`]);
}

/**
 * `404 Not Found (job_not_found): Job … does not exist.`, and for a refused request each field at
 * fault: `400 Validation failed (validation_failed): The request is not valid. name: Required; …`.
 */
export function describeApiError(error: MeridianApiError): string {
  const { problem } = error;
  if (problem === undefined) {
    return error.message;
  }
  const detail = problem.detail === '' || problem.detail === problem.title ? '' : `: ${problem.detail}`;
  const fields = (problem.errors ?? []).map(
    (issue) => `${issue.path === '' ? '(body)' : issue.path}: ${issue.message}`,
  );
  const refused = fields.length === 0 ? '' : ` ${fields.join('; ')}`;
  return `${error.status} ${problem.title} (${problem.code})${detail}${refused}`;
}

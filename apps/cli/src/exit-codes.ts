/**
 * What `meridian`'s exit status means: the one table scripts branch on, printed by `meridian --help`
 * and copied into the README. A status says what went wrong, so that a script can tell "try again
 * later" from "fix the request" without reading stderr.
 */
export const ExitCode = {
  /** The command did what it was asked. */
  Ok: 0,
  /** The API refused the request as invalid or too large (400, 413, 415, 422 and any other 4xx below). */
  Refused: 1,
  /** The command line itself is wrong: an unknown command or flag, a bad value, an unreadable file. */
  Usage: 2,
  /** The job, execution, workflow or key does not exist in the key's namespace (404). */
  NotFound: 3,
  /** The resource's state forbids the change: nothing left to cancel, not recurring … (409). */
  Conflict: 4,
  /** No API key, an invalid or revoked one (401), or one without the scope the route needs (403). */
  Auth: 5,
  /** Worth trying again later: the API could not be reached, answered 5xx, or rate-limited (429). */
  Unavailable: 6,
  /**
   * `watch` (or `jobs create --wait`): the execution ended without succeeding (DEAD, CANCELLED,
   * SKIPPED), or had not ended when the wait's timeout ran out.
   */
  ExecutionFailed: 7,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One line per exit status, for `--help` and the README. */
export const EXIT_CODE_HELP: readonly (readonly [ExitCode, string])[] = [
  [ExitCode.Ok, 'success'],
  [ExitCode.Refused, 'the API refused the request (400, 413, 415, 422 …): fix the request'],
  [ExitCode.Usage, 'usage error: unknown command or flag, bad value, unreadable file or JSON'],
  [ExitCode.NotFound, 'not found (404)'],
  [ExitCode.Conflict, "conflict (409): the resource's state forbids it"],
  [ExitCode.Auth, 'authentication or permission (401, 403)'],
  [ExitCode.Unavailable, 'try again later: API unreachable, 5xx, or rate-limited (429)'],
  [ExitCode.ExecutionFailed, 'watch / create --wait: the execution ended DEAD, CANCELLED or SKIPPED, or timed out'],
  [ExitCode.Interrupted, 'interrupted (Ctrl-C)'],
];

/** The exit status of a command the API answered with a problem of this HTTP status. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) {
    return ExitCode.Auth;
  }
  if (status === 404) {
    return ExitCode.NotFound;
  }
  if (status === 409) {
    return ExitCode.Conflict;
  }
  if (status === 429 || status >= 500) {
    return ExitCode.Unavailable;
  }
  return ExitCode.Refused;
}

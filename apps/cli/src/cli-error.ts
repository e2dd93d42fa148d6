import type { ExitCode } from './exit-codes.js';

/**
 * A failure the command explains itself: `lines` go to stderr as they are (no stack trace) and the
 * process ends with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly lines: readonly string[],
  ) {
    super(lines[0] ?? 'meridian failed');
    this.name = 'CliError';
  }
}

import { apiUrlOf, DEFAULT_API_URL } from './api-connection.js';
import type { CliRuntime } from './command-context.js';
import { cliErrorOf } from './error-report.js';
import { ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

/**
 * Runs one `meridian` command line (`argv` without node and the script) and answers its exit
 * status. Every failure ends here: its lines go to stderr, never a stack trace.
 */
export async function runCli(argv: readonly string[], runtime: CliRuntime): Promise<ExitCode> {
  const program = buildProgram(runtime);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (runtime.signal.aborted) {
      runtime.streams.stderr('interrupted\n');
      return ExitCode.Interrupted;
    }
    const failure = cliErrorOf(error, apiUrlFor(program.opts(), runtime));
    for (const line of failure.lines) {
      runtime.streams.stderr(`error: ${line}\n`);
    }
    return failure.exitCode;
  }
}

/** The API the command spoke to, for an error message; the default when the URL was the problem. */
function apiUrlFor(options: Record<string, unknown>, runtime: CliRuntime): string {
  try {
    return apiUrlOf(options, runtime.env);
  } catch {
    return DEFAULT_API_URL;
  }
}

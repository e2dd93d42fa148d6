import { Command } from 'commander';

import { DEFAULT_API_URL } from './api-connection.js';
import type { CliRuntime } from './command-context.js';
import { registerExecutionsCommands } from './commands/executions.command.js';
import { registerJobsCommands } from './commands/jobs.command.js';
import { registerKeysCommands } from './commands/keys.command.js';
import { registerSchedulesCommands } from './commands/schedules.command.js';
import { registerWatchCommand } from './commands/watch.command.js';
import { registerWorkflowsCommands } from './commands/workflows.command.js';
import { EXIT_CODE_HELP } from './exit-codes.js';

/** The `meridian` command line: global options, every command group, and the help's epilogue. */
export function buildProgram(runtime: CliRuntime): Command {
  const program = new Command('meridian')
    .description('The command-line tool of the Meridian job scheduler: jobs, schedules, workflows and keys.')
    .option('--url <url>', `the API's base URL (default: $MERIDIAN_URL, else ${DEFAULT_API_URL})`)
    .option('--api-key <key>', 'the API key (default: $MERIDIAN_API_KEY)')
    .option('--json', "print the API's answers as JSON (lists: the items array), for scripts and jq")
    // Set before any command is added: each subcommand copies these settings when it is made.
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: runtime.streams.stdout, writeErr: runtime.streams.stderr })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', epilogue());
  registerJobsCommands(program, runtime);
  registerExecutionsCommands(program, runtime);
  registerSchedulesCommands(program, runtime);
  registerWorkflowsCommands(program, runtime);
  registerKeysCommands(program, runtime);
  registerWatchCommand(program, runtime);
  return program;
}

function epilogue(): string {
  const width = Math.max(...EXIT_CODE_HELP.map(([code]) => String(code).length));
  const exitCodes = EXIT_CODE_HELP.map(([code, meaning]) => `  ${String(code).padStart(width)}  ${meaning}`);
  return [
    '',
    'Environment:',
    `  MERIDIAN_URL      the API's base URL (default ${DEFAULT_API_URL}); --url overrides it`,
    '  MERIDIAN_API_KEY  the API key (mk_…); --api-key overrides it',
    '',
    'Exit codes:',
    ...exitCodes,
    '',
    'Examples:',
    '  meridian jobs create --name hello --handler noop --payload \'{"greeting":"hi"}\' --wait',
    '  meridian jobs list --status DEAD --all --json | jq -r ".[].id"',
    '  meridian watch <job-id>',
  ].join('\n');
}

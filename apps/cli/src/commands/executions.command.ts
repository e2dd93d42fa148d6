import { readExecutionWithAttempts, unwrap } from '@meridian/client';
import type { Command } from 'commander';

import { type CliRuntime, CommandContext } from '../command-context.js';
import { renderExecutionDetails } from '../output/executions.view.js';

/** `meridian executions …`: get, retry. */
export function registerExecutionsCommands(program: Command, runtime: CliRuntime): void {
  const executions = program.command('executions').description('read and retry executions');

  executions
    .command('get')
    .description('show an execution with every attempt')
    .argument('<execution>', 'the execution id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const execution = await readExecutionWithAttempts(client, id, { signal });
      output.result(execution, (read) => renderExecutionDetails(read));
    });

  executions
    .command('retry')
    .description('run a DEAD or CANCELLED execution again, as a new execution of its job')
    .argument('<execution>', 'the execution id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const execution = unwrap(await client.POST('/v1/executions/{id}/retry', { params: { path: { id } }, signal }));
      output.result(
        execution,
        (created) => `Retrying as execution ${created.id} of job ${created.jobId}: ${created.status}`,
      );
    });
}

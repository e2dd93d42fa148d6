import { type CreateWorkflowRequest, unwrap } from '@meridian/client';
import type { Command } from 'commander';

import { readJsonFile } from '../arguments.js';
import { type CliRuntime, CommandContext } from '../command-context.js';
import { renderWorkflowDetails } from '../output/workflows.view.js';

/** `meridian workflows …`: create, get, cancel. */
export function registerWorkflowsCommands(program: Command, runtime: CliRuntime): void {
  const workflows = program.command('workflows').description('create, read and cancel workflows of dependent jobs');

  workflows
    .command('create')
    .description('create a workflow from a file holding the body of POST /v1/workflows')
    .requiredOption(
      '-f, --file <file.json>',
      'the workflow as JSON: name, failurePolicy, jobs with dependsOn (- reads stdin)',
    )
    .action(async (options: { file: string }, command: Command) => {
      const context = new CommandContext(runtime, command);
      // The API validates the body and names each bad field; the file need only be JSON.
      const body = (await readJsonFile(options.file)) as CreateWorkflowRequest;
      const { client, output, signal } = context;
      const workflow = unwrap(await client.POST('/v1/workflows', { body, signal }));
      output.result(workflow, (created) => renderWorkflowDetails(created));
    });

  workflows
    .command('get')
    .description('show a workflow: its jobs, their states and the edges between them')
    .argument('<workflow>', 'the workflow id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const workflow = unwrap(await client.GET('/v1/workflows/{id}', { params: { path: { id } }, signal }));
      output.result(workflow, (read) => renderWorkflowDetails(read));
    });

  workflows
    .command('cancel')
    .description('cancel every job of a workflow that has not ended')
    .argument('<workflow>', 'the workflow id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const workflow = unwrap(await client.POST('/v1/workflows/{id}/cancel', { params: { path: { id } }, signal }));
      output.result(workflow, (cancelled) => renderWorkflowDetails(cancelled));
    });
}

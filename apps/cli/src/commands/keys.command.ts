import { unwrap } from '@meridian/client';
import { type Command, Option } from 'commander';

import { type CliRuntime, CommandContext } from '../command-context.js';
import { renderCreatedKey, renderKeysTable } from '../output/keys.view.js';

type Scope = 'jobs:read' | 'jobs:write' | 'admin' | 'operator';

interface CreateKeyOptions {
  name: string;
  scope: Scope[];
  namespace?: string;
}

/** `meridian keys …`: create, list, revoke (an admin key's work). */
export function registerKeysCommands(program: Command, runtime: CliRuntime): void {
  const keys = program.command('keys').description("create, list and revoke the namespace's API keys (needs admin)");

  keys
    .command('create')
    .description('create a key; its secret is shown this once')
    .requiredOption('--name <name>', 'what the key is for')
    .addOption(
      new Option('--scope <scope...>', 'one or more of jobs:read, jobs:write, operator, admin')
        .choices(['jobs:read', 'jobs:write', 'operator', 'admin'])
        .makeOptionMandatory(),
    )
    .option('--namespace <namespace>', "the key's namespace (another than your own: bootstrap key only)")
    .action(async (options: CreateKeyOptions, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const created = unwrap(
        await client.POST('/v1/keys', {
          body: { name: options.name, scopes: options.scope, namespace: options.namespace },
          signal,
        }),
      );
      output.result(created, renderCreatedKey);
      if (!output.json) {
        output.note('Keep the key now: the API never shows it again.');
      }
    });

  keys
    .command('list')
    .description("the namespace's keys, revoked ones included (never their secrets)")
    .action(async (_options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const list = unwrap(await client.GET('/v1/keys', { signal }));
      output.result(list.items, renderKeysTable);
    });

  keys
    .command('revoke')
    .description('revoke a key: it is refused (401) from then on')
    .argument('<key>', 'the key id (not the secret)')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      unwrap(await client.DELETE('/v1/keys/{id}', { params: { path: { id } }, signal }));
      output.message(`Revoked key ${id}.`);
    });
}

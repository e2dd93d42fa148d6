import { parseArgs } from 'node:util';

import { ApiKeyRepository, connectPostgres } from '@meridian/db';
import {
  DEFAULT_NAMESPACE,
  NAMESPACE_PATTERN,
  OPERATOR_SCOPE,
  type Scope,
  SCOPES,
  TENANT_SCOPES,
} from '@meridian/domain';
import { loadConfigOrExit } from '@meridian/runtime';

const USAGE = `usage: meridian keys create --name <name> --scopes <scope,...> [--namespace <namespace>]
  scopes: ${TENANT_SCOPES.join(', ')} (each includes the ones before it), and ${OPERATOR_SCOPE}
  (Bull Board and every namespace's limits; namespace default only); namespace: default`;

/**
 * Creates an API key straight in the database, for the first key of a deployment (or when no admin
 * key is at hand). Prints the key once, on stdout; nothing else can show it again.
 */
async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group !== 'keys' || command !== 'create') {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      namespace: { type: 'string', default: DEFAULT_NAMESPACE },
    },
  });
  const scopes = (values.scopes ?? '').split(',').map((scope) => scope.trim());
  const namespace = values.namespace ?? DEFAULT_NAMESPACE;
  if (
    values.name === undefined ||
    values.name.trim() === '' ||
    !scopes.every((scope) => (SCOPES as readonly string[]).includes(scope)) ||
    !NAMESPACE_PATTERN.test(namespace) ||
    (scopes.includes(OPERATOR_SCOPE) && namespace !== DEFAULT_NAMESPACE)
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const config = loadConfigOrExit();
  const postgres = connectPostgres(config.database);
  try {
    const { record, key } = await new ApiKeyRepository(postgres.prisma, postgres.sql).create({
      namespace,
      name: values.name.trim(),
      scopes: [...new Set(scopes)] as Scope[],
      createdBy: 'cli',
    });
    process.stderr.write(`created key ${record.id} in namespace ${namespace} with ${record.scopes.join(', ')}\n`);
    process.stdout.write(`${key}\n`);
    return 0;
  } finally {
    await postgres.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Prisma's messages open with a code frame; their last line says what went wrong.
    const message = error instanceof Error ? (error.message.trim().split('\n').at(-1) ?? error.name) : String(error);
    process.stderr.write(`${message} (run pnpm db:migrate if the database is not migrated yet)\n`);
    process.exit(1);
  },
);
